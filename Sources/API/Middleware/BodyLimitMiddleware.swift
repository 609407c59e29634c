import Hummingbird

/// Enforces the request body limit and read deadline before any handler reads the body.
///
/// A declared `Content-Length` over the limit is refused with 413 at once, without reading
/// a byte. A chunked body is counted as it streams and fails with 413 as soon as it passes
/// the limit. A body still arriving after `readTimeout` fails with 408.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let maxBytes: Int
    let readTimeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw APIError.payloadTooLarge(limit: maxBytes)
        }
        var request = request
        var context = context
        context.maxUploadSize = maxBytes
        request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, maxBytes: maxBytes, readTimeout: readTimeout))
        return try await next(request, context)
    }
}

/// A request body that throws once it exceeds its size or its read deadline.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let maxBytes: Int
    let readTimeout: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let maxBytes: Int
        let deadline: ContinuousClock.Instant
        var received = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            received += chunk.readableBytes
            if received > maxBytes { throw APIError.payloadTooLarge(limit: maxBytes) }
            if ContinuousClock.now > deadline {
                throw APIError(.requestTimeout, code: "request_timeout", "the request body did not arrive within the read timeout")
            }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), maxBytes: maxBytes, deadline: .now + readTimeout)
    }
}
