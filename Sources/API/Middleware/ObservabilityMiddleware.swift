import Hummingbird
import Logging
import Metrics
import NIOConcurrencyHelpers

/// Logs one line per request and records the request metrics: a counter by method, route
/// template and status, a duration histogram, and the number of requests in flight.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let logger: Logger
    let inFlight = Gauge(label: "claude_code_http_requests_in_flight")
    let inFlightCount = InFlightCounter()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        inFlight.record(inFlightCount.change(by: 1))
        defer { inFlight.record(inFlightCount.change(by: -1)) }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The error middleware sits inside this one; anything reaching here is a bug.
            record(request, context: context, status: 500, start: start)
            throw error
        }
        record(request, context: context, status: Int(response.status.code), start: start)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(label: "claude_code_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))]).increment()
        Metrics.Timer(label: "claude_code_request_duration_seconds", dimensions: [("method", method), ("route", route)],
                      preferredDisplayUnit: .seconds).recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.log(
            level: status >= 500 ? .error : .info, "request",
            metadata: [
                "method": .string(method),
                "path": .string(request.uri.path),
                "status": .stringConvertible(status),
                "duration_ms": .stringConvertible((milliseconds * 1000).rounded() / 1000),
                "client_ip": .string(context.clientIP),
                "request_id": .string(context.requestID),
            ])
    }
}

/// A lock-protected count, shared by all requests through one middleware instance.
final class InFlightCounter: Sendable {
    private let value = NIOLockedValueBox(0)
    func change(by delta: Int) -> Int { value.withLockedValue { $0 += delta; return $0 } }
}
