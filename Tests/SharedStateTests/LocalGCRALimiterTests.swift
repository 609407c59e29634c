import SharedState
import Testing

@Suite("Local GCRA limiter")
struct LocalGCRALimiterTests {
    /// 10 per second (one every 100 ms), 5 at once.
    let rule = RateLimitRule(requests: 10, period: .seconds(1), burst: 5)

    @Test func admitsExactlyTheBurstThenRefuses() async throws {
        let clock = ManualTimeSource()
        let limiter = LocalGCRALimiter(timeSource: clock)
        for expectedRemaining in (0..<5).reversed() {
            let decision = try await limiter.acquire(key: "k", limit: rule)
            #expect(decision.allowed)
            #expect(decision.limit == 5)
            #expect(decision.remaining == expectedRemaining)
            #expect(decision.retryAfter == nil)
        }
        let refused = try await limiter.acquire(key: "k", limit: rule)
        #expect(!refused.allowed)
        #expect(refused.remaining == 0)
        #expect(refused.retryAfter == .milliseconds(100))
        #expect(refused.retryAfterSeconds == 1)
        #expect(refused.resetAfter == .milliseconds(500))
    }

    @Test func refillsAtTheSustainedRate() async throws {
        let clock = ManualTimeSource()
        let limiter = LocalGCRALimiter(timeSource: clock)
        for _ in 0..<5 { _ = try await limiter.acquire(key: "k", limit: rule) }
        #expect(try await !limiter.acquire(key: "k", limit: rule).allowed)

        clock.advance(by: .milliseconds(99))
        #expect(try await !limiter.acquire(key: "k", limit: rule).allowed)
        clock.advance(by: .milliseconds(1))
        #expect(try await limiter.acquire(key: "k", limit: rule).allowed)
        #expect(try await !limiter.acquire(key: "k", limit: rule).allowed)

        clock.advance(by: .seconds(1))
        let full = try await limiter.acquire(key: "k", limit: rule, cost: 0)
        #expect(full.allowed && full.remaining == 5 && full.resetAfter == .zero)
    }

    @Test func costSpendsSeveralUnitsOrNone() async throws {
        let clock = ManualTimeSource()
        let limiter = LocalGCRALimiter(timeSource: clock)
        let first = try await limiter.acquire(key: "k", limit: rule, cost: 3)
        #expect(first.allowed && first.remaining == 2)
        let tooMuch = try await limiter.acquire(key: "k", limit: rule, cost: 3)
        #expect(!tooMuch.allowed && tooMuch.remaining == 2)
        #expect(tooMuch.retryAfter == .milliseconds(100))
        let rest = try await limiter.acquire(key: "k", limit: rule, cost: 2)
        #expect(rest.allowed && rest.remaining == 0)
        #expect(try await !limiter.acquire(key: "k", limit: rule, cost: 6).allowed)
    }

    @Test func keysAreIndependent() async throws {
        let limiter = LocalGCRALimiter(timeSource: ManualTimeSource())
        for _ in 0..<5 { _ = try await limiter.acquire(key: "a", limit: rule) }
        #expect(try await !limiter.acquire(key: "a", limit: rule).allowed)
        #expect(try await limiter.acquire(key: "b", limit: rule).allowed)
    }

    @Test func keyTableStaysBounded() async throws {
        let clock = ManualTimeSource()
        let limiter = LocalGCRALimiter(maximumKeys: 100, timeSource: clock)
        let slow = RateLimitRule(requests: 1, period: .seconds(60), burst: 2)
        for index in 0..<1_000 {
            _ = try await limiter.acquire(key: "key-\(index)", limit: slow)
            if index % 50 == 0 { clock.advance(by: .seconds(1)) }
        }
        #expect(limiter.trackedKeys <= 100)
        // The newest keys, least likely to be full, survived.
        #expect(try await limiter.acquire(key: "key-999", limit: slow, cost: 0).remaining == 1)
    }

    @Test func idleKeysAreDroppedFirst() async throws {
        let clock = ManualTimeSource()
        let limiter = LocalGCRALimiter(maximumKeys: 10, timeSource: clock)
        for index in 0..<10 { _ = try await limiter.acquire(key: "idle-\(index)", limit: rule) }
        clock.advance(by: .seconds(2))
        _ = try await limiter.acquire(key: "busy", limit: rule, cost: 5)
        #expect(limiter.trackedKeys == 1)
        #expect(try await !limiter.acquire(key: "busy", limit: rule).allowed)
    }

    @Test func concurrentCallersNeverExceedTheBudget() async throws {
        let limiter = LocalGCRALimiter()
        let hourly = RateLimitRule(requests: 100, period: .seconds(3600))
        let allowed = try await countConcurrently(1_000) { _ in
            try await limiter.acquire(key: "shared", limit: hourly).allowed
        }
        #expect(allowed == 100)
    }

    @Test func severalKeysAreSpentTogetherOrNotAtAll() async throws {
        let limiter = LocalGCRALimiter(timeSource: ManualTimeSource())
        let wide = RateLimitRule(requests: 100, period: .seconds(60), burst: 10)
        let narrow = RateLimitRule(requests: 2, period: .seconds(60), burst: 2)
        let both = [RateLimitRequest(key: "global", rule: wide), RateLimitRequest(key: "caller", rule: narrow)]
        for expected in [(9, 1), (8, 0)] {
            let decisions = try await limiter.acquire(both)
            #expect(decisions.map(\.allowed) == [true, true])
            #expect(decisions.map(\.remaining) == [expected.0, expected.1])
        }
        let refused = try await limiter.acquire(both)
        #expect(refused.map(\.allowed) == [true, false])
        #expect(refused[1].retryAfter == .seconds(30))
        // The caller's refusal spent nothing from the global budget.
        #expect(try await limiter.acquire(key: "global", limit: wide, cost: 0).remaining == 8)
        #expect(try await limiter.acquire([]).isEmpty)
    }
}
