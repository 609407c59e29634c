import Metrics
import NIOConcurrencyHelpers

/// An in-process cache bounded by bytes, least recently used entries evicted first.
///
/// Each entry costs its key and value bytes plus a fixed overhead estimate, so many tiny
/// entries cannot exceed the budget unnoticed. Expired entries are dropped when read or
/// when they reach the old end of the LRU order. Every operation is O(1) except
/// `invalidate`, which is O(entries in the namespace).
public final class MemoryLRUCache: Cache {
    /// Bookkeeping bytes charged per entry on top of key and value (node, dictionary slot,
    /// namespace index).
    static let entryOverhead = 128

    private struct Entry {
        var value: [UInt8]
        var expiresAt: Duration
        var generation: UInt64
    }

    private struct State {
        var table = LRUTable<CacheKey, Entry>()
        var members: [String: Set<String>] = [:]
        var generations = GenerationTable()
    }

    public let capacityBytes: Int
    private let timeSource: any TimeSource
    private let state = NIOLockedValueBox(State())
    private let metrics: CacheMetrics

    public init(capacityBytes: Int, timeSource: any TimeSource = SystemTimeSource(),
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.capacityBytes = max(0, capacityBytes)
        self.timeSource = timeSource
        self.metrics = CacheMetrics(tier: "memory", factory: metricsFactory)
    }

    /// A cache of `sizeMB` mebibytes (the `CACHE_SIZE_MB` setting).
    public convenience init(sizeMB: Int, timeSource: any TimeSource = SystemTimeSource(),
                            metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.init(capacityBytes: sizeMB * 1024 * 1024, timeSource: timeSource, metricsFactory: metricsFactory)
    }

    public func get(_ key: CacheKey) async -> [UInt8]? {
        lookup(key)
    }

    public func set(_ key: CacheKey, value: [UInt8], ttl: Duration) async {
        store(key, value: value, ttl: ttl, ifGeneration: nil)
    }

    public func invalidate(namespace: String) async {
        let (bytes, count) = state.withLockedValue { state in
            state.generations.bump(namespace)
            for key in state.members.removeValue(forKey: namespace) ?? [] {
                state.table.remove(CacheKey(namespace: namespace, key: key))
            }
            return (state.table.totalCost, state.table.count)
        }
        metrics.bytes.record(bytes)
        metrics.entries.record(count)
    }

    public func invalidateAll() async {
        state.withLockedValue { state in
            state.generations.bumpAll()
            state.table = LRUTable()
            state.members = [:]
        }
        metrics.bytes.record(0)
        metrics.entries.record(0)
    }

    public func getOrLoad(_ key: CacheKey, ttl: Duration, load: () async throws -> [UInt8]) async rethrows -> [UInt8] {
        let generation = self.generation(of: key.namespace)
        if let value = lookup(key) { return value }
        let value = try await load()
        store(key, value: value, ttl: ttl, ifGeneration: generation)
        return value
    }

    /// Bytes charged and entries held.
    public var usage: (bytes: Int, entries: Int) {
        state.withLockedValue { ($0.table.totalCost, $0.table.count) }
    }

    // MARK: - For TieredCache, which guards its own loads

    func generation(of namespace: String) -> UInt64 {
        state.withLockedValue { $0.generations.generation(of: namespace) }
    }

    func lookup(_ key: CacheKey) -> [UInt8]? {
        let now = timeSource.now()
        let value: [UInt8]? = state.withLockedValue { state in
            guard let entry = state.table.get(key) else { return nil }
            if entry.expiresAt <= now || entry.generation != state.generations.generation(of: key.namespace) {
                Self.remove(key, from: &state)
                return nil
            }
            return entry.value
        }
        metrics.record(hit: value != nil)
        return value
    }

    /// Stores unless the namespace's generation moved past `ifGeneration`.
    func store(_ key: CacheKey, value: [UInt8], ttl: Duration, ifGeneration: UInt64?) {
        let cost = Self.entryOverhead + key.namespace.utf8.count + key.key.utf8.count + value.count
        let expiresAt = timeSource.now() + ttl
        let capacity = capacityBytes
        let (evicted, bytes, count) = state.withLockedValue { state -> (Int, Int, Int) in
            let current = state.generations.generation(of: key.namespace)
            guard ttl > .zero, cost <= capacity, ifGeneration.map({ $0 == current }) ?? true else {
                // Too big or too late: drop any older value rather than keep serving it.
                Self.remove(key, from: &state)
                return (0, state.table.totalCost, state.table.count)
            }
            state.table.set(key, value: Entry(value: value, expiresAt: expiresAt, generation: current), cost: cost)
            state.members[key.namespace, default: []].insert(key.key)
            var evicted = 0
            while state.table.totalCost > capacity, let oldest = state.table.removeOldest() {
                Self.forgetMember(oldest.key, in: &state)
                evicted += 1
            }
            return (evicted, state.table.totalCost, state.table.count)
        }
        if evicted > 0 { metrics.evictions.increment(by: evicted) }
        metrics.bytes.record(bytes)
        metrics.entries.record(count)
    }

    private static func remove(_ key: CacheKey, from state: inout State) {
        if state.table.remove(key) != nil { forgetMember(key, in: &state) }
    }

    private static func forgetMember(_ key: CacheKey, in state: inout State) {
        state.members[key.namespace]?.remove(key.key)
        if state.members[key.namespace]?.isEmpty == true { state.members.removeValue(forKey: key.namespace) }
    }
}
