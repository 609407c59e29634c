import Hummingbird
import Logging

/// A stand-in Ollama server on 127.0.0.1 and an ephemeral port, speaking Ollama's real wire
/// formats (`/api/version`, `/api/tags`, `/api/show`, `/api/chat`, `/api/generate`,
/// `/api/embed`, `/api/pull`), with scriptable failures for tests.
///
/// ```swift
/// let server = try await OllamaStandIn.start(behaviour: .init(failNextRequests: 2))
/// defer { Task { await server.stop() } }
/// let client = OllamaClient(configuration: .init(baseURL: server.baseURL))
/// ```
///
/// Tokens are whitespace-separated words. A prompt longer than its `num_ctx` is cut
/// silently (`prompt_eval_count` reports `num_ctx`), or refused with HTTP 400 when the
/// request says `"truncate": false`; a reply longer than `num_predict` ends with
/// `done_reason: "length"`.
public final class OllamaStandIn: Sendable {
    /// e.g. `http://127.0.0.1:49152`.
    public let baseURL: String
    public let port: Int
    private let state: StandInState
    private let task: Task<Void, any Error>

    private init(port: Int, state: StandInState, task: Task<Void, any Error>) {
        self.port = port
        baseURL = "http://127.0.0.1:\(port)"
        self.state = state
        self.task = task
    }

    /// Starts a server with `models` installed; returns once it accepts connections.
    ///
    /// - Parameter logLevel: the server's own logging. Stopping cuts off connections, which
    ///   the HTTP server reports as errors, so the default shows only critical messages.
    public static func start(
        models: [StandInModel] = StandInModel.defaults, behaviour: StandInBehaviour = StandInBehaviour(),
        logLevel: Logger.Level = .critical
    ) async throws -> OllamaStandIn {
        let state = StandInState(models: models, behaviour: behaviour)
        let router = Router()
        StandInRoutes.register(on: router, state: state)
        var logger = Logger(label: "ollama-stand-in")
        logger.logLevel = logLevel
        let bound = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "ollama-stand-in"),
            onServerRunning: { channel in bound.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            // Ends the wait below if the server fails before it is running.
            defer { bound.continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var ports = bound.stream.makeAsyncIterator()
        guard let port = await ports.next(), port > 0 else {
            task.cancel()
            _ = try await task.value
            throw StandInStartFailure()
        }
        return OllamaStandIn(port: port, state: state, task: task)
    }

    /// Stops the server; requests in flight are cut off.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// The behaviour in effect now.
    public var behaviour: StandInBehaviour { state.currentBehaviour }

    /// Changes the behaviour for the requests that arrive from now on.
    public func updateBehaviour(_ change: (inout StandInBehaviour) -> Void) {
        state.updateBehaviour(change)
    }

    /// Every request received so far, in arrival order.
    public var requests: [ReceivedRequest] { state.requests }

    /// The requests received for `path`, e.g. `/api/chat`.
    public func requests(to path: String) -> [ReceivedRequest] {
        state.requests.filter { $0.path == path }
    }

    public func clearRequests() { state.clearRequests() }

    /// The names of the installed models (pulls add to them).
    public var installedModels: [String] { state.models.map(\.name) }
}

/// The server stopped before it was listening.
public struct StandInStartFailure: Error, CustomStringConvertible {
    public var description: String { "the stand-in Ollama server did not start" }
}
