import Foundation

/// Streaming requests: Ollama answers with NDJSON, one chunk per line, the last with
/// `done: true`. Lines are decoded as the bytes arrive, on the client's thread pool.
extension OllamaClient {
    /// POSTs `body` to `path` and streams the decoded lines. The stream finishes after the
    /// line for which `isFinal` is true, or throws an ``OllamaError``: `.streamError` for an
    /// `{"error": ...}` line, `.invalidResponse` when the stream ends without a final line,
    /// `.timeout` when Ollama stays silent for ``OllamaClientConfiguration/timeout``.
    /// Streams are never retried. Cancelling the consumer's iteration aborts the transfer.
    func stream<Body: Encodable & Sendable, Chunk: Decodable & Sendable>(
        _ path: String, _ body: Body, model: String?, isFinal: @escaping @Sendable (Chunk) -> Bool
    ) -> AsyncThrowingStream<Chunk, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Chunk.self, throwing: (any Error).self)
        let encoded: [UInt8]
        do {
            encoded = try encode(StreamFlagged(body: body, stream: true))
        } catch {
            continuation.finish(throwing: error)
            return stream
        }
        let request = TransportRequest(
            method: .post, url: url(path), body: encoded, deadline: .idle(configuration.timeout),
            connectTimeout: configuration.connectTimeout)
        let cancellation = CancellationFlag()
        continuation.onTermination = { termination in
            if case .cancelled = termination { cancellation.cancel() }
        }
        let pool = threadPool
        let breaker = breaker
        // The transfer must run somewhere while the caller iterates; the task only waits for
        // the pool thread and ends with the transfer.
        Task {
            do throws(OllamaError) {
                try breaker.admit()
            } catch {
                continuation.finish(throwing: error)
                return
            }
            var outcome: OllamaError?
            do {
                try await pool.runIfActive {
                    try Self.transferLines(
                        request, model: model, cancellation: cancellation, continuation: continuation, isFinal: isFinal)
                }
            } catch let error as OllamaError {
                outcome = error
            } catch {
                outcome = .cancelled
            }
            breaker.record(outcome)
            if let outcome { continuation.finish(throwing: outcome) } else { continuation.finish() }
        }
        return stream
    }

    /// Runs on a pool thread: performs the transfer, yielding each decoded chunk.
    private static func transferLines<Chunk: Decodable & Sendable>(
        _ request: TransportRequest, model: String?, cancellation: CancellationFlag,
        continuation: AsyncThrowingStream<Chunk, any Error>.Continuation, isFinal: @escaping @Sendable (Chunk) -> Bool
    ) throws(OllamaError) {
        let decoder = JSONDecoder()
        var finished = false
        let context = TransferContext(cancellation: cancellation, idleLimit: request.idleLimit) { line in
            let parsed: StreamLine<Chunk>
            do {
                parsed = try decoder.decode(StreamLine<Chunk>.self, from: Data(line))
            } catch {
                return .stop(.undecodable("streamed line", error))
            }
            switch parsed {
            case .error(let message):
                return .stop(.streamError(message))
            case .chunk(let chunk):
                if isFinal(chunk) { finished = true }
                continuation.yield(chunk)
                return .proceed
            }
        }
        let status = try CurlTransfer.perform(request, context: context)
        guard (200..<300).contains(status) else {
            throw ErrorBody.failure(status: status, body: context.body, model: model)
        }
        guard finished else { throw .invalidResponse("the stream ended before its final chunk") }
    }
}
