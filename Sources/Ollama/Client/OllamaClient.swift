import Logging
import NIOPosix

/// A client for Ollama's native API (`/api/*`) over libcurl.
///
/// libcurl blocks, so every request runs on the client's own `NIOThreadPool`
/// (``OllamaClientConfiguration/threadPoolSize`` threads), never on an event loop or Swift's
/// cooperative pool. Non-streaming calls are retried on transient failures; all calls but
/// the health probes go through a circuit breaker. Every method throws only ``OllamaError``
/// (streams finish with one).
///
/// The pool shuts down when the client is released, or earlier with ``shutdown()``.
public final class OllamaClient: Sendable {
    public typealias Configuration = OllamaClientConfiguration
    /// The name this module's error type had first; kept for existing callers.
    public typealias Failure = OllamaError

    public let configuration: OllamaClientConfiguration
    let threadPool: NIOThreadPool
    let breaker: CircuitBreaker
    let logger: Logger

    public init(configuration: OllamaClientConfiguration, logger: Logger = Logger(label: "ollama-client")) {
        self.configuration = configuration
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: configuration.threadPoolSize)
        threadPool.start()
        breaker = CircuitBreaker(
            threshold: configuration.circuitBreakerThreshold, coolDown: configuration.circuitBreakerCoolDown,
            logger: logger)
    }

    deinit {
        threadPool.shutdownGracefully { _ in }
    }

    /// The circuit breaker's state, for `/health`.
    public var circuitState: CircuitState { breaker.state }

    /// Stops the thread pool once running requests end; later calls fail with
    /// ``OllamaError/cancelled``.
    public func shutdown() async {
        try? await threadPool.shutdownGracefully()
    }

    func url(_ path: String) -> String { configuration.baseURL + path }
}
