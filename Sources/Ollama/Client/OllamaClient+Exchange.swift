import Foundation

/// Non-streaming requests: one body in, one body out, with retries and the circuit breaker.
extension OllamaClient {
    /// How a call is protected.
    struct CallPolicy: Sendable {
        /// Retry transient failures (only for calls without side effects).
        var retries: Bool
        /// Go through the circuit breaker (health probes do not, so they can report the truth).
        var guarded: Bool

        static let standard = CallPolicy(retries: true, guarded: true)
        static let probe = CallPolicy(retries: false, guarded: false)
    }

    /// POSTs `body` as JSON to `path` and decodes the answer.
    func post<Body: Encodable & Sendable, Answer: Decodable>(
        _ path: String, _ body: Body, model: String?, as answer: Answer.Type, policy: CallPolicy = .standard
    ) async throws(OllamaError) -> Answer {
        let request = TransportRequest(
            method: .post, url: url(path), body: try encode(body), deadline: .total(configuration.timeout),
            connectTimeout: configuration.connectTimeout)
        return try decode(answer, from: try await send(request, model: model, policy: policy), path: path)
    }

    /// GETs `path` and decodes the answer.
    func get<Answer: Decodable>(
        _ path: String, as answer: Answer.Type, timeout: Duration? = nil, policy: CallPolicy = .standard
    ) async throws(OllamaError) -> Answer {
        let limit = timeout ?? configuration.timeout
        let request = TransportRequest(
            method: .get, url: url(path), body: nil, deadline: .total(limit),
            connectTimeout: min(configuration.connectTimeout, limit))
        return try decode(answer, from: try await send(request, model: nil, policy: policy), path: path)
    }

    /// Sends `request`, retrying transient failures `retryAttempts` times when allowed.
    func send(_ request: TransportRequest, model: String?, policy: CallPolicy) async throws(OllamaError) -> [UInt8] {
        var failures = 0
        while true {
            do {
                return try await attempt(request, model: model, guarded: policy.guarded)
            } catch {
                failures += 1
                guard policy.retries, error.isTransient, failures <= configuration.retryAttempts else { throw error }
                logger.debug("retrying Ollama request", metadata: [
                    "url": "\(request.url)", "attempt": "\(failures + 1)", "error": "\(error)",
                ])
                do { try await Task.sleep(for: configuration.retryDelay) } catch { throw .cancelled }
            }
        }
    }

    private func attempt(_ request: TransportRequest, model: String?, guarded: Bool) async throws(OllamaError) -> [UInt8] {
        if guarded { try breaker.admit() }
        let result = await perform(request, model: model)
        if guarded {
            if case .failure(let error) = result { breaker.record(error) } else { breaker.record(nil) }
        }
        return try result.get()
    }

    /// One exchange on the thread pool. Cancelling the calling task aborts the transfer.
    private func perform(_ request: TransportRequest, model: String?) async -> Result<[UInt8], OllamaError> {
        let cancellation = CancellationFlag()
        do {
            let (status, body) = try await withTaskCancellationHandler {
                try await threadPool.runIfActive { () throws -> (Int, [UInt8]) in
                    let context = TransferContext(cancellation: cancellation, idleLimit: nil, lineConsumer: nil)
                    let status = try CurlTransfer.perform(request, context: context)
                    return (status, context.body)
                }
            } onCancel: {
                cancellation.cancel()
            }
            guard (200..<300).contains(status) else {
                return .failure(ErrorBody.failure(status: status, body: body, model: model))
            }
            return .success(body)
        } catch let error as OllamaError {
            return .failure(error)
        } catch {
            // The pool refused the work: the task was cancelled or the client shut down.
            return .failure(.cancelled)
        }
    }

    func encode(_ body: some Encodable) throws(OllamaError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(body))
        } catch {
            throw .invalidRequest("\(error)")
        }
    }

    func decode<Answer: Decodable>(_ type: Answer.Type, from body: [UInt8], path: String) throws(OllamaError) -> Answer {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw .undecodable(path, error)
        }
    }
}
