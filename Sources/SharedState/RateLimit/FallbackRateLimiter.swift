import Logging
import Metrics

/// A shared (Redis) limiter that falls back to a local one while Redis is unusable.
///
/// Rate limiting should not take the service down with Redis: when the primary throws
/// (any error: unreachable, timeout, or a reply such as `READONLY` during a failover),
/// the request is decided by the local limiter instead (each replica then enforces the
/// budget alone, so a cluster of N admits up to N times the rule during an outage).
/// Every request decided locally counts in `claude_code_ratelimit_fallback_total`. After a
/// failure Redis is skipped for `retryAfter`, then one request probes it.
public final class FallbackRateLimiter: RateLimiter {
    private let primary: any RateLimiter
    private let fallback: any RateLimiter
    private let breaker: CircuitBreaker
    private let fallbacks: Counter

    public init(
        primary: any RateLimiter,
        fallback: any RateLimiter,
        retryAfter: Duration = .seconds(1),
        timeSource: any TimeSource = SystemTimeSource(),
        logger: Logger = Logger(label: "cci.ratelimit"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.primary = primary
        self.fallback = fallback
        self.breaker = CircuitBreaker(component: "ratelimit", retryAfter: retryAfter, timeSource: timeSource,
                                      logger: logger, metricsFactory: metricsFactory)
        self.fallbacks = Counter(label: "claude_code_ratelimit_fallback_total", factory: metricsFactory)
    }

    /// True while Redis is being skipped or probed: decisions are local.
    public var isDegraded: Bool { breaker.isOpen }

    public func acquire(_ requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        try await acquire(requests, reading: []).decisions
    }

    /// Reads `keys` through the primary; a request decided locally reads nothing (`reads` nil).
    public func acquire(_ requests: [RateLimitRequest], reading keys: [String]) async throws -> RateLimitOutcome {
        if breaker.shouldTry() {
            do {
                let outcome = try await primary.acquire(requests, reading: keys)
                breaker.recordSuccess()
                return outcome
            } catch is CancellationError {
                breaker.recordAbandoned()
                throw CancellationError()
            } catch {
                breaker.recordFailure(error)
            }
        }
        fallbacks.increment()
        return RateLimitOutcome(decisions: try await fallback.acquire(requests), reads: nil)
    }
}

