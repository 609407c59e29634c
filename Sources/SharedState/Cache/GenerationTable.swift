/// Per-namespace generation numbers kept in process, bounded in size.
///
/// A namespace's generation changes on every invalidation and never returns to an
/// earlier value, so anything tagged with an old generation is recognisably stale.
/// Namespaces never invalidated share the floor value; when the table is full, the
/// oldest half is forgotten and the floor rises past them, which makes every entry of a
/// forgotten namespace stale too (a burst of misses, never a stale hit).
struct GenerationTable {
    private var generations: [String: UInt64] = [:]
    private var counter: UInt64 = 0
    private var floor: UInt64 = 0
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = max(2, capacity)
    }

    func generation(of namespace: String) -> UInt64 {
        generations[namespace] ?? floor
    }

    /// Moves every namespace, known or not, past every generation handed out so far.
    mutating func bumpAll() {
        counter += 1
        generations = [:]
        floor = counter
    }

    mutating func bump(_ namespace: String) {
        counter += 1
        generations[namespace] = counter
        guard generations.count > capacity else { return }
        let forgotten = generations.sorted { $0.value < $1.value }.prefix(generations.count / 2)
        for (name, generation) in forgotten {
            generations.removeValue(forKey: name)
            floor = max(floor, generation)
        }
    }
}
