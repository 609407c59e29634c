/// Health probes: short, never retried, and outside the circuit breaker, so `/health`
/// reports what Ollama does now rather than what the breaker remembers.
extension OllamaClient {
    /// The default bound of a probe: a healthy local Ollama answers in milliseconds.
    public static let probeTimeout: Duration = .seconds(2)

    /// `GET /api/version`: Ollama's version string. Without `timeout`, waits at most
    /// ``probeTimeout`` (or the configured timeout, when shorter).
    public func version(timeout: Duration? = nil) async throws(OllamaError) -> String {
        let limit = timeout ?? min(Self.probeTimeout, configuration.timeout)
        return try await get("/api/version", as: VersionInfo.self, timeout: limit, policy: .probe).version
    }

    /// Probes `/api/version` and `/api/tags`; never throws.
    public func ping(timeout: Duration = OllamaClient.probeTimeout) async -> OllamaStatus {
        let start = ContinuousClock.now
        var status = OllamaStatus(reachable: false, circuit: circuitState, latency: .zero)
        do {
            status.version = try await version(timeout: timeout)
            status.reachable = true
            let list = try await get("/api/tags", as: ModelList.self, timeout: timeout, policy: .probe)
            status.modelCount = list.models.count
        } catch {
            status.error = error
        }
        status.latency = ContinuousClock.now - start
        return status
    }
}
