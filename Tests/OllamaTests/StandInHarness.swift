import Ollama
import OllamaStandIn

/// Runs `body` against a fresh stand-in server and a client pointed at it, then stops both.
@discardableResult
func withStandIn<Result>(
    models: [StandInModel] = StandInModel.defaults,
    behaviour: StandInBehaviour = StandInBehaviour(),
    timeout: Duration = .seconds(10),
    retryAttempts: Int = 0,
    retryDelay: Duration = .milliseconds(20),
    breakerThreshold: Int = 100,
    breakerCoolDown: Duration = .seconds(30),
    threads: Int = 2,
    _ body: (OllamaStandIn, OllamaClient) async throws -> Result
) async throws -> Result {
    let server = try await OllamaStandIn.start(models: models, behaviour: behaviour)
    let client = OllamaClient(configuration: OllamaClientConfiguration(
        baseURL: server.baseURL, timeout: timeout, connectTimeout: .seconds(2), retryAttempts: retryAttempts,
        retryDelay: retryDelay, circuitBreakerThreshold: breakerThreshold, circuitBreakerCoolDown: breakerCoolDown,
        threadPoolSize: threads))
    do {
        let result = try await body(server, client)
        await client.shutdown()
        await server.stop()
        return result
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
}

/// Collects a stream into an array, or returns the chunks before the error and the error.
func drain<Element>(_ stream: AsyncThrowingStream<Element, any Error>) async -> (elements: [Element], error: (any Error)?) {
    var elements: [Element] = []
    do {
        for try await element in stream { elements.append(element) }
        return (elements, nil)
    } catch {
        return (elements, error)
    }
}

/// A user message of `count` words.
func words(_ count: Int, _ word: String = "token") -> String {
    Array(repeating: word, count: count).joined(separator: " ")
}

extension OllamaError {
    /// The wait an open circuit announced; `nil` for other errors.
    var circuitRetryAfter: Duration? {
        if case .circuitOpen(let retryAfter) = self { return retryAfter }
        return nil
    }

    var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }
}
