import Metrics

/// The counters and gauges one ``RedisClient`` exports.
struct RedisClientMetrics: Sendable {
    let connectionsOpened: Counter
    let openConnections: Gauge
    /// Commands and the pipelines that carried them: their ratio is the batching achieved.
    let commandsSent: Counter
    let pipelinesSent: Counter
    private let unreachable: Counter
    private let timeouts: Counter
    private let serverErrors: Counter
    private let protocolErrors: Counter

    init(factory: any MetricsFactory) {
        connectionsOpened = Counter(label: "claude_code_redis_connections_opened_total", factory: factory)
        openConnections = Gauge(label: "claude_code_redis_connections", factory: factory)
        commandsSent = Counter(label: "claude_code_redis_commands_total", factory: factory)
        pipelinesSent = Counter(label: "claude_code_redis_pipelines_total", factory: factory)
        let errors = "claude_code_redis_errors_total"
        unreachable = Counter(label: errors, dimensions: [("kind", "unreachable")], factory: factory)
        timeouts = Counter(label: errors, dimensions: [("kind", "timeout")], factory: factory)
        serverErrors = Counter(label: errors, dimensions: [("kind", "server")], factory: factory)
        protocolErrors = Counter(label: errors, dimensions: [("kind", "protocol")], factory: factory)
    }

    func recordError(_ error: RedisError) {
        switch error {
        case .unreachable: unreachable.increment()
        case .timeout: timeouts.increment()
        case .server: serverErrors.increment()
        case .protocol: protocolErrors.increment()
        }
    }
}
