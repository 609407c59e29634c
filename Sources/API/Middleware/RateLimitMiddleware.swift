import HTTPTypes
import Hummingbird
import Logging
import SharedState

/// Spends the request's budgets (see ``RateLimitPolicy``) in one limiter call, all or
/// nothing, and refuses with 429 `rate_limited` when any is exhausted.
///
/// Every response it lets through, `APIError`s included, carries `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` for the most restrictive budget; a 429 adds
/// `Retry-After` (whole seconds, rounded up). Sits right after authentication, so the
/// caller's budget is its key's.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: any RateLimiter
    let policy: RateLimitPolicy
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller: RateLimitPolicy.Caller = context.apiKey.map { .key(id: $0.id, perMinute: $0.rateLimit) }
            ?? .address(context.clientIP)
        let budgets = policy.budgets(caller: caller, method: request.method.rawValue, route: context.endpointPath)
        let decisions: [RateLimitDecision]
        do {
            decisions = try await limiter.acquire(budgets.map(\.0))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The shared limiter falls back to a local one by itself; a limiter that still
            // fails must not turn into an outage of its own, so the request goes through.
            logger.warning("rate limiter failed; request admitted unchecked", metadata: ["error": "\(error)"])
            return try await next(request, context)
        }
        let (shown, level) = Self.mostRestrictive(decisions, levels: budgets.map(\.1))
        let headers = Self.headers(for: shown)
        guard shown.allowed else {
            var refusal = headers
            refusal[.retryAfter] = String(shown.retryAfterSeconds ?? 1)
            throw APIError(.tooManyRequests, code: "rate_limited",
                           Self.message(level, retryAfter: shown.retryAfterSeconds ?? 1), headers: refusal)
        }
        do {
            var response = try await next(request, context)
            for field in headers { response.headers[field.name] = field.value }
            return response
        } catch var error as APIError {
            for field in headers { error.headers[field.name] = field.value }
            throw error
        }
    }

    /// The refusal that lasts longest, or, when all admit, the budget with least left.
    static func mostRestrictive(_ decisions: [RateLimitDecision], levels: [RateLimitPolicy.Level])
        -> (RateLimitDecision, RateLimitPolicy.Level) {
        var chosen = 0
        for index in decisions.indices.dropFirst() {
            let (candidate, current) = (decisions[index], decisions[chosen])
            let tighter: Bool
            switch (candidate.allowed, current.allowed) {
            case (false, true): tighter = true
            case (true, false): tighter = false
            case (false, false): tighter = (candidate.retryAfter ?? .zero) > (current.retryAfter ?? .zero)
            case (true, true):
                tighter = candidate.remaining < current.remaining
                    || (candidate.remaining == current.remaining && candidate.resetAfter > current.resetAfter)
            }
            if tighter { chosen = index }
        }
        return (decisions[chosen], levels[chosen])
    }

    static func headers(for decision: RateLimitDecision) -> HTTPFields {
        [
            .rateLimitLimit: String(decision.limit),
            .rateLimitRemaining: String(decision.remaining),
            .rateLimitReset: String(decision.resetAfterSeconds),
        ]
    }

    static func message(_ level: RateLimitPolicy.Level, retryAfter seconds: Int) -> String {
        let budget = switch level {
        case .global: "the service's request rate limit"
        case .caller: "this caller's request rate limit"
        case .endpoint: "this route's request rate limit for this caller"
        }
        return "\(budget) is exhausted; retry in \(seconds) s"
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = HTTPField.Name("RateLimit-Limit")!
    static let rateLimitRemaining = HTTPField.Name("RateLimit-Remaining")!
    static let rateLimitReset = HTTPField.Name("RateLimit-Reset")!
}
