import NIOConcurrencyHelpers

/// GCRA in process memory: the limiter of a single node, and the fallback of a cluster
/// replica whose Redis is down (each replica then enforces the budget on its own).
///
/// The key table is bounded. A key whose TAT has passed holds no information (its budget
/// is full), so those are dropped first; if the table is still full, the keys closest to
/// full are dropped, which can only admit more, never refuse wrongly.
public final class LocalGCRALimiter: RateLimiter {
    private let timeSource: any TimeSource
    private let maximumKeys: Int
    private let table: NIOLockedValueBox<[String: Int64]>

    public init(maximumKeys: Int = 100_000, timeSource: any TimeSource = SystemTimeSource()) {
        self.maximumKeys = max(1, maximumKeys)
        self.timeSource = timeSource
        self.table = NIOLockedValueBox([:])
    }

    public func acquire(_ requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        let now = timeSource.now().microseconds
        let maximumKeys = self.maximumKeys
        return table.withLockedValue { table in
            let outcomes = requests.map { GCRA.evaluate(storedTAT: table[$0.key], now: now, rule: $0.rule, cost: $0.cost) }
            guard outcomes.allSatisfy(\.decision.allowed) else { return outcomes.map(\.decision) }
            for (request, outcome) in zip(requests, outcomes) {
                guard let newTAT = outcome.newTAT else { continue }
                if table[request.key] == nil && table.count >= maximumKeys {
                    Self.evict(from: &table, now: now, keeping: maximumKeys - 1)
                }
                table[request.key] = newTAT
            }
            return outcomes.map(\.decision)
        }
    }

    /// How many keys hold state.
    public var trackedKeys: Int {
        table.withLockedValue(\.count)
    }

    /// Drops idle keys, then (if needed) the nearest-to-full ones, down to 90% of `limit`:
    /// the headroom means the O(n) sweep is paid once per many insertions.
    private static func evict(from table: inout [String: Int64], now: Int64, keeping limit: Int) {
        table = table.filter { $0.value > now }
        let target = max(0, limit - limit / 10)
        guard table.count > target else { return }
        let dropped = table.sorted { $0.value < $1.value }.prefix(table.count - target)
        for (key, _) in dropped { table.removeValue(forKey: key) }
    }
}
