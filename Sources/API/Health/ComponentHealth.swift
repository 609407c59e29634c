/// The state of one dependency as `/health` reports it.
public struct ComponentHealth: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case up, down, disabled
    }

    public var status: Status
    /// What the probe found, e.g. "schema version 3" or the connection error.
    public var detail: String?
    public var latencyMilliseconds: Double?
    /// When this was last probed (ISO-8601).
    public var checkedAt: String?

    public init(status: Status, detail: String? = nil, latencyMilliseconds: Double? = nil, checkedAt: String? = nil) {
        self.status = status
        self.detail = detail
        self.latencyMilliseconds = latencyMilliseconds
        self.checkedAt = checkedAt
    }

    enum CodingKeys: String, CodingKey {
        case status, detail
        case latencyMilliseconds = "latency_ms"
        case checkedAt = "checked_at"
    }
}

/// One probe of a dependency. Critical components (the database) make the service unhealthy
/// when down; the others (Redis, Ollama) make it degraded.
public struct HealthCheck: Sendable {
    public let name: String
    public let critical: Bool
    public let probe: @Sendable () async -> ComponentHealth

    public init(name: String, critical: Bool, probe: @escaping @Sendable () async -> ComponentHealth) {
        self.name = name
        self.critical = critical
        self.probe = probe
    }
}
