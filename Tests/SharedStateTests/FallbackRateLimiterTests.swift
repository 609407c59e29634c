import MetricsTestKit
import NIOConcurrencyHelpers
import SharedState
import TestSupport
import Testing

/// A primary limiter that fails or admits on command and counts its calls.
private final class ScriptedLimiter: RateLimiter {
    private let state = NIOLockedValueBox((failing: true, calls: 0))

    var calls: Int { state.withLockedValue { $0.calls } }

    func setFailing(_ failing: Bool) { state.withLockedValue { $0.failing = failing } }

    func acquire(_ requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        let failing = state.withLockedValue { state in
            state.calls += 1
            return state.failing
        }
        if failing { throw RedisError.timeout }
        return requests.map { RateLimitDecision(allowed: true, limit: $0.rule.burst, remaining: 42, resetAfter: .zero, retryAfter: nil) }
    }
}

@Suite("Fallback rate limiter")
struct FallbackRateLimiterTests {
    let rule = RateLimitRule(requests: 100, period: .seconds(60), burst: 10)

    @Test func backsOffAfterAFailureThenProbes() async throws {
        let clock = ManualTimeSource()
        let metrics = TestMetrics()
        let primary = ScriptedLimiter()
        let limiter = FallbackRateLimiter(primary: primary, fallback: LocalGCRALimiter(timeSource: clock),
                                          retryAfter: .seconds(1), timeSource: clock, metricsFactory: metrics)
        #expect(!limiter.isDegraded)
        #expect(try await limiter.acquire(key: "k", limit: rule).remaining == 9)  // local answered
        #expect(limiter.isDegraded)
        #expect(primary.calls == 1)

        for _ in 0..<5 { _ = try await limiter.acquire(key: "k", limit: rule) }
        #expect(primary.calls == 1, "Redis is skipped during the back-off")
        #expect(try metrics.expectCounter("claude_code_ratelimit_fallback_total").totalValue == 6)
        #expect(try metrics.expectGauge("claude_code_redis_degraded", [("component", "ratelimit")]).lastValue == 1)

        clock.advance(by: .seconds(1))
        _ = try await limiter.acquire(key: "k", limit: rule)
        #expect(primary.calls == 2, "one probe after the back-off")
        #expect(limiter.isDegraded)

        clock.advance(by: .seconds(1))
        primary.setFailing(false)
        #expect(try await limiter.acquire(key: "k", limit: rule).remaining == 42)
        #expect(!limiter.isDegraded)
        #expect(try metrics.expectCounter("claude_code_ratelimit_fallback_total").totalValue == 7)
        #expect(try metrics.expectGauge("claude_code_redis_degraded", [("component", "ratelimit")]).lastValue == 0)
    }

    @Test(.enabled(if: TestRedis.enabled))
    func fallsBackWhileRedisIsDownAndRecovers() async throws {
        _ = try TestRedis.requireURL()
        let server = try RedisProcess()
        let metrics = TestMetrics()
        let client = try RedisClient(url: server.url, poolSize: 2, metricsFactory: metrics)
        let limiter = FallbackRateLimiter(
            primary: RedisGCRALimiter(client: client, keyPrefix: "fallback:"), fallback: LocalGCRALimiter(),
            retryAfter: .milliseconds(300), metricsFactory: metrics)
        let fallbacks = { try metrics.expectCounter("claude_code_ratelimit_fallback_total").totalValue }

        #expect(try await limiter.acquire(key: "k", limit: rule).allowed)
        #expect(try fallbacks() == 0)

        server.stop()
        let start = ContinuousClock.now
        for _ in 0..<20 { #expect(try await limiter.acquire(key: "k", limit: rule, cost: 0).allowed) }
        #expect(ContinuousClock.now - start < .seconds(15), "a dead Redis costs no wait per request")
        #expect(limiter.isDegraded)
        #expect(try fallbacks() == 20)
        // (A NOSCRIPT reply may be counted too, as a "server" error, when the script was cached.)
        let unavailable = try ["unreachable", "timeout"].reduce(0) {
            try $0 + metrics.expectCounter("claude_code_redis_errors_total", [("kind", $1)]).totalValue
        }
        #expect(unavailable == 1, "only the first request tried Redis")

        try server.start()
        try await Task.sleep(for: .milliseconds(350))
        // A budget that lasts an hour, so its key cannot expire before it is looked at.
        let recovered = try await limiter.acquire(key: "k", limit: RateLimitRule(requests: 100, period: .seconds(3600), burst: 10))
        #expect(recovered.allowed)
        #expect(!limiter.isDegraded)
        #expect(try fallbacks() == 20)
        #expect(try await client.command(["EXISTS", "fallback:k"]) == .integer(1))
        await client.close()
        server.stop()
    }

    @Test(.enabled(if: TestRedis.enabled))
    func pausedRedisTimesOutIntoTheFallback() async throws {
        _ = try TestRedis.requireURL()
        let server = try RedisProcess()
        var configuration = try RedisConfiguration(url: server.url)
        configuration.commandTimeout = .milliseconds(100)
        let client = RedisClient(configuration: configuration)
        let limiter = FallbackRateLimiter(primary: RedisGCRALimiter(client: client), fallback: LocalGCRALimiter(),
                                          retryAfter: .milliseconds(200))
        #expect(try await limiter.acquire(key: "k", limit: rule).allowed)
        server.pause()
        let start = ContinuousClock.now
        #expect(try await limiter.acquire(key: "k", limit: rule).allowed)
        #expect(ContinuousClock.now - start < .seconds(15), "a frozen Redis costs one short timeout")
        #expect(limiter.isDegraded)
        server.resume()
        // Each request after `retryAfter` tries Redis again; a loaded machine may need a few.
        for _ in 0..<50 where limiter.isDegraded {
            try await Task.sleep(for: .milliseconds(100))
            _ = try await limiter.acquire(key: "k", limit: rule)
        }
        #expect(!limiter.isDegraded)
        await client.close()
        server.stop()
    }
}
