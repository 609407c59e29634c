/// How an ``OllamaClient`` reaches Ollama and how it copes when Ollama misbehaves.
public struct OllamaClientConfiguration: Sendable {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:11434`.
    public var baseURL: String
    /// Longest wait for one non-streaming request, connection included. For streams it
    /// bounds each silence instead (the wait for the first chunk, or between chunks), so a
    /// long answer that keeps flowing is not cut.
    public var timeout: Duration
    /// Longest wait for the TCP connection; a server that does not accept in time is unreachable.
    public var connectTimeout: Duration
    /// Extra attempts after a transient failure (unreachable, timeout, 5xx) of a
    /// non-streaming call. 4xx answers and streams are never retried.
    public var retryAttempts: Int
    /// Pause before each retry.
    public var retryDelay: Duration
    /// Consecutive transient failures that open the circuit breaker.
    public var circuitBreakerThreshold: Int
    /// How long an open circuit fails calls fast before letting one trial call through.
    public var circuitBreakerCoolDown: Duration
    /// Threads of the client's own pool: the most requests (streams included) in flight at once.
    public var threadPoolSize: Int

    public init(
        baseURL: String,
        timeout: Duration = .seconds(120),
        connectTimeout: Duration = .seconds(2),
        retryAttempts: Int = 2,
        retryDelay: Duration = .milliseconds(500),
        circuitBreakerThreshold: Int = 5,
        circuitBreakerCoolDown: Duration = .seconds(30),
        threadPoolSize: Int = 4
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.retryAttempts = max(0, retryAttempts)
        self.retryDelay = retryDelay
        self.circuitBreakerThreshold = max(1, circuitBreakerThreshold)
        self.circuitBreakerCoolDown = circuitBreakerCoolDown
        self.threadPoolSize = max(1, threadPoolSize)
    }
}
