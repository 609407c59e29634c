import Metrics

/// The gauges and timers one connection pool exports.
struct PoolMetrics: Sendable {
    private let idle: Gauge
    private let inUse: Gauge
    private let waiting: Gauge
    private let queryDuration: Metrics.Timer
    private let waitDuration: Metrics.Timer

    init(pool: String, maxConnections: Int) {
        let dimensions = [("pool", pool)]
        Gauge(label: "claude_code_db_pool_max_connections", dimensions: dimensions).record(maxConnections)
        idle = Gauge(label: "claude_code_db_pool_connections", dimensions: dimensions + [("state", "idle")])
        inUse = Gauge(label: "claude_code_db_pool_connections", dimensions: dimensions + [("state", "in_use")])
        waiting = Gauge(label: "claude_code_db_pool_waiting_requests", dimensions: dimensions)
        queryDuration = Metrics.Timer(label: "claude_code_db_query_duration_seconds", dimensions: dimensions,
                                      preferredDisplayUnit: .seconds)
        waitDuration = Metrics.Timer(label: "claude_code_db_pool_wait_duration_seconds", dimensions: dimensions,
                                     preferredDisplayUnit: .seconds)
    }

    func update(_ statistics: PoolStatistics) {
        idle.record(statistics.idle)
        inUse.record(statistics.inUse)
        waiting.record(statistics.waiting)
    }

    func recordQuery(_ duration: Duration) { queryDuration.recordNanoseconds(duration.nanoseconds) }
    func recordWait(_ duration: Duration) { waitDuration.recordNanoseconds(duration.nanoseconds) }
}

extension Duration {
    /// Whole nanoseconds, rounded toward zero.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
