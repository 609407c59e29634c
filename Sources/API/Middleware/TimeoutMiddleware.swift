import Hummingbird

/// Fails a request with 503 when its handler runs longer than the write timeout, so a stuck
/// dependency cannot hold a client forever. The handler's task is cancelled; work that
/// honours cancellation (waits for a pool, sleeps, network calls) stops with it.
struct TimeoutMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let timeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let timeout = self.timeout
        // The child task ends before the group returns, so `next` does not outlive this call.
        return try await withoutActuallyEscaping(next) { next in
            let handler = HandlerBox(run: next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.run(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw APIError(.serviceUnavailable, code: "timeout", "the request took longer than the server's write timeout")
                }
                return response
            }
        }
    }
}

/// Hands the next responder to a child task; it is called exactly once, by that task.
private struct HandlerBox: @unchecked Sendable {
    let run: (Request, AppRequestContext) async throws -> Response
}
