import HTTPTypes
import Hummingbird
import Logging
import SharedState

/// Admits a request to `/api`: checks its `X-API-Key`, spends its rate-limit budgets (see
/// ``RateLimitPolicy``) all or nothing, and reads ahead the shared-cache generations the
/// request will need — the key records' and its route's (``ResponseCache/namespace(method:route:parameters:)``).
/// With Redis this is one round trip: the rate-limit script reads the generations too,
/// and the key comes from memory unless a revocation moved its generation.
///
/// Refusals: 401 for a missing or bad key (before any budget is spent, but for a remembered
/// key found revoked by the round trip itself), 429 `rate_limited` when a budget is
/// exhausted. Every response it lets through, `APIError`s included, carries
/// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` for the most restrictive
/// budget; a 429 adds `Retry-After` (whole seconds, rounded up).
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// Nil when authentication is off.
    let authenticator: APIKeyAuthenticator?
    /// Nil when rate limiting is off.
    let limiter: (any RateLimiter)?
    let policy: RateLimitPolicy
    /// The cache whose generations are read ahead; nil when caching is off.
    let cache: TieredCache?
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let candidate = try await authenticator?.candidate(request.headers[.apiKey])
        var namespaces: [String] = []
        if candidate != nil { namespaces.append(APIKeyAuthenticator.cacheNamespace) }
        if let route = ResponseCache.namespace(method: request.method, route: context.endpointPath, parameters: context.parameters) {
            namespaces.append(route)
        }
        let readKeys = cache?.generationKeys(for: namespaces)

        var decisions: [(RateLimitDecision, RateLimitPolicy.Level)]?
        var readAhead: CacheReadAhead?
        if let limiter {
            let caller: RateLimitPolicy.Caller = candidate.map { .key(id: $0.record.id, perMinute: $0.record.rateLimit) }
                ?? .address(context.clientIP)
            let budgets = policy.budgets(caller: caller, method: request.method.rawValue, route: context.endpointPath)
            do {
                let outcome = try await limiter.acquire(budgets.map(\.0), reading: readKeys ?? [])
                decisions = Array(zip(outcome.decisions, budgets.map(\.1)))
                if let reads = outcome.reads, readKeys != nil { readAhead = cache?.readAhead(namespaces, values: reads) }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The shared limiter falls back to a local one by itself; a limiter that still
                // fails must not turn into an outage of its own, so the request goes through.
                logger.warning("rate limiter failed; request admitted unchecked", metadata: ["error": "\(error)"])
            }
        } else if readKeys != nil {
            readAhead = await cache?.readAhead(namespaces)
        }
        if let candidate, let authenticator {
            context.apiKey = try await authenticator.confirm(
                candidate, generation: readAhead?.generation(of: APIKeyAuthenticator.cacheNamespace))
        }
        let limitHeaders = try decisions.flatMap(Self.admit)
        do {
            var response = try await TieredCache.$readAhead.withValue(readAhead) { try await next(request, context) }
            for field in limitHeaders ?? [:] { response.headers[field.name] = field.value }
            return response
        } catch var error as APIError {
            for field in limitHeaders ?? [:] { error.headers[field.name] = field.value }
            throw error
        }
    }

    /// The `RateLimit-*` headers of the most restrictive budget, or the 429 when it refuses;
    /// nil when no budget was decided.
    static func admit(_ decisions: [(RateLimitDecision, RateLimitPolicy.Level)]) throws -> HTTPFields? {
        guard !decisions.isEmpty else { return nil }
        let (shown, level) = mostRestrictive(decisions)
        let headers = headers(for: shown)
        guard shown.allowed else {
            var refusal = headers
            refusal[.retryAfter] = String(shown.retryAfterSeconds ?? 1)
            throw APIError(.tooManyRequests, code: "rate_limited",
                           message(level, retryAfter: shown.retryAfterSeconds ?? 1), headers: refusal)
        }
        return headers
    }

    /// The refusal that lasts longest, or, when all admit, the budget with least left.
    static func mostRestrictive(_ decisions: [(RateLimitDecision, RateLimitPolicy.Level)])
        -> (RateLimitDecision, RateLimitPolicy.Level) {
        var chosen = 0
        for index in decisions.indices.dropFirst() {
            let (candidate, current) = (decisions[index].0, decisions[chosen].0)
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
        return decisions[chosen]
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
