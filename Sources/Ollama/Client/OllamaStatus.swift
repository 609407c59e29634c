/// What a health probe learned about Ollama.
public struct OllamaStatus: Sendable, Hashable {
    /// Whether Ollama answered `/api/version`.
    public var reachable: Bool
    public var version: String?
    /// Installed models, when `/api/tags` answered too.
    public var modelCount: Int?
    /// The client's circuit breaker, which probes neither consult nor move.
    public var circuit: CircuitState
    /// What went wrong, when something did.
    public var error: OllamaError?
    /// How long the probe took.
    public var latency: Duration
}
