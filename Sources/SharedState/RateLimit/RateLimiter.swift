/// Admits or refuses units of work per key, within a ``RateLimitRule``.
///
/// Contract, shared by every implementation:
/// - `acquire` either admits the whole `cost` (and spends it) or refuses it and spends
///   nothing; a refused call reports in `retryAfter` when the same cost would be admitted.
/// - A key that has been idle for `period` has its full `burst` available again.
/// - Concurrent calls for one key never admit more than the rule allows.
/// - `cost` 0 spends nothing and reports the key's current state.
/// - A `cost` above `burst` can never be admitted.
/// - A key is meant to be used with one rule; using it with several mixes their budgets.
/// - Several requests acquired together are all admitted and spent, or none is spent:
///   a request refused by one budget (say, its caller's) costs nothing from the others
///   (the global one). Their keys are distinct.
/// - Errors mean the limiter itself failed (e.g. Redis unreachable); callers decide whether
///   to fail open. ``FallbackRateLimiter`` does that by switching to a local limiter.
public protocol RateLimiter: Sendable {
    /// Decides `requests` at once, all or nothing, atomically with respect to every other
    /// call. Returns one decision per request, in order: the whole is admitted when every
    /// decision is `allowed`. When some are refused, the others report what they would
    /// have left had the whole been admitted, and nothing is spent.
    func acquire(_ requests: [RateLimitRequest]) async throws -> [RateLimitDecision]

    /// ``acquire(_:)``, also reading `keys` from the shared store in the same atomic step,
    /// so that a request learns what it needs next (cache generations, say) without a
    /// round trip of its own. `reads` is nil when the limiter has no shared store or
    /// decided locally.
    func acquire(_ requests: [RateLimitRequest], reading keys: [String]) async throws -> RateLimitOutcome
}

extension RateLimiter {
    public func acquire(_ requests: [RateLimitRequest], reading keys: [String]) async throws -> RateLimitOutcome {
        RateLimitOutcome(decisions: try await acquire(requests), reads: nil)
    }

    /// Spends `cost` units of one key.
    public func acquire(key: String, limit: RateLimitRule, cost: Int) async throws -> RateLimitDecision {
        try await acquire([RateLimitRequest(key: key, rule: limit, cost: cost)])[0]
    }

    /// Spends one unit.
    public func acquire(key: String, limit: RateLimitRule) async throws -> RateLimitDecision {
        try await acquire(key: key, limit: limit, cost: 1)
    }
}

/// What ``RateLimiter/acquire(_:reading:)`` answers: one decision per request, and the
/// values of the keys read, in order (`nil` when nothing was read).
public struct RateLimitOutcome: Sendable {
    public let decisions: [RateLimitDecision]
    public let reads: [RedisValue]?

    public init(decisions: [RateLimitDecision], reads: [RedisValue]?) {
        self.decisions = decisions
        self.reads = reads
    }
}

/// One key's part of an ``RateLimiter/acquire(_:)`` call.
public struct RateLimitRequest: Sendable, Hashable {
    public let key: String
    public let rule: RateLimitRule
    public let cost: Int

    public init(key: String, rule: RateLimitRule, cost: Int = 1) {
        precondition(cost >= 0, "a rate limit cost is not negative")
        self.key = key
        self.rule = rule
        self.cost = cost
    }
}

/// `requests` per `period`, of which up to `burst` may be spent at once.
///
/// The sustained rate is one request every `period / requests` (the emission interval);
/// `burst` is how many may arrive back to back after an idle spell.
public struct RateLimitRule: Sendable, Hashable {
    public let requests: Int
    public let period: Duration
    public let burst: Int

    /// - Parameter burst: defaults to `requests`, i.e. a full period's worth at once.
    public init(requests: Int, period: Duration, burst: Int? = nil) {
        precondition(requests > 0, "a rate limit admits at least one request per period")
        precondition(period > .zero, "a rate limit period is positive")
        precondition((burst ?? requests) > 0, "a burst admits at least one request")
        self.requests = requests
        self.period = period
        self.burst = burst ?? requests
    }

    /// Time between two requests at the sustained rate, in whole microseconds (at least 1).
    ///
    /// Whole microseconds keep the local and the Redis implementation exactly alike
    /// (Lua numbers are doubles, exact for integers of this size).
    var emissionIntervalMicroseconds: Int64 {
        max(1, period.microseconds / Int64(requests))
    }
}

/// The outcome of one ``RateLimiter/acquire(key:limit:cost:)``, with what the
/// `RateLimit-*` and `Retry-After` response headers report.
public struct RateLimitDecision: Sendable, Hashable {
    public let allowed: Bool
    /// The most that can be spent at once: the rule's burst.
    public let limit: Int
    /// How much could still be spent right now.
    public let remaining: Int
    /// Time until the key's budget is full again.
    public let resetAfter: Duration
    /// When refused: time until the same cost would be admitted. `nil` when allowed.
    public let retryAfter: Duration?

    public init(allowed: Bool, limit: Int, remaining: Int, resetAfter: Duration, retryAfter: Duration?) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetAfter = resetAfter
        self.retryAfter = retryAfter
    }

    /// `resetAfter` in whole seconds, rounded up (for `RateLimit-Reset`).
    public var resetAfterSeconds: Int { Self.wholeSecondsUp(resetAfter) }

    /// `retryAfter` in whole seconds, rounded up and at least 1 (for `Retry-After`).
    public var retryAfterSeconds: Int? { retryAfter.map { max(1, Self.wholeSecondsUp($0)) } }

    private static func wholeSecondsUp(_ duration: Duration) -> Int {
        let microseconds = duration.microseconds
        return Int((microseconds + 999_999) / 1_000_000)
    }
}
