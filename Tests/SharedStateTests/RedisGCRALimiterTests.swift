import SharedState
import Testing

@Suite("Redis GCRA limiter", .enabled(if: TestRedis.enabled))
struct RedisGCRALimiterTests {
    @Test func admitsExactlyTheBurstThenRefuses() async throws {
        let client = try TestRedis.client()
        let limiter = RedisGCRALimiter(client: client, keyPrefix: TestRedis.prefix())
        let rule = RateLimitRule(requests: 10, period: .seconds(3600), burst: 5)
        for expectedRemaining in (0..<5).reversed() {
            let decision = try await limiter.acquire(key: "k", limit: rule)
            #expect(decision.allowed && decision.remaining == expectedRemaining && decision.limit == 5)
        }
        let refused = try await limiter.acquire(key: "k", limit: rule)
        #expect(!refused.allowed)
        let retryAfter = try #require(refused.retryAfter)
        // One emission interval (360 s), less the time the calls took.
        #expect(retryAfter > .seconds(300) && retryAfter <= .seconds(360))
        #expect(refused.resetAfter > .seconds(1700) && refused.resetAfter <= .seconds(1800))
        await client.close()
    }

    @Test("the script also reads the keys it is given, missing ones as null, with or without budgets")
    func readsKeysInTheSameCall() async throws {
        let client = try TestRedis.client()
        let prefix = TestRedis.prefix()
        let limiter = RedisGCRALimiter(client: client, keyPrefix: prefix + "rl:")
        _ = try await client.command(["SET", prefix + "a", "41"])
        let rule = RateLimitRule(requests: 10, period: .seconds(3600), burst: 2)
        let outcome = try await limiter.acquire(
            [RateLimitRequest(key: "k", rule: rule)], reading: [prefix + "a", prefix + "missing"])
        #expect(outcome.decisions.map(\.allowed) == [true])
        #expect(outcome.reads == [.bulk(Array("41".utf8)), .null])
        let readOnly = try await limiter.acquire([], reading: [prefix + "a"])
        #expect(readOnly.decisions.isEmpty && readOnly.reads == [.bulk(Array("41".utf8))])
        // A refusal reads too, and the budget's state is unchanged by the reads.
        _ = try await limiter.acquire(key: "k", limit: rule)
        let refused = try await limiter.acquire([RateLimitRequest(key: "k", rule: rule)], reading: [prefix + "a"])
        #expect(refused.decisions.map(\.allowed) == [false] && refused.reads == [.bulk(Array("41".utf8))])
        await client.close()
    }

    @Test func refillsOverTime() async throws {
        let client = try TestRedis.client()
        let prefix = TestRedis.prefix()
        let limiter = RedisGCRALimiter(client: client, keyPrefix: prefix)
        // One per 720 s: long enough that no time a slow machine takes can refill it.
        let rule = RateLimitRule(requests: 5, period: .seconds(3600), burst: 3)
        #expect(try await limiter.acquire(key: "k", limit: rule, cost: 3).allowed)
        let refused = try await limiter.acquire(key: "k", limit: rule)
        #expect(!refused.allowed)
        let retryAfter = try #require(refused.retryAfter)
        #expect(retryAfter > .zero && retryAfter <= .seconds(720))
        // Rather than wait 720 s, move the stored theoretical arrival time (microseconds of the
        // Redis clock) back by one interval, as if the time had passed.
        _ = try await client.command(["DECRBY", prefix + "k", "720000000"])
        #expect(try await limiter.acquire(key: "k", limit: rule).allowed)
        #expect(!(try await limiter.acquire(key: "k", limit: rule)).allowed)
        await client.close()
    }

    @Test func keyExpiresWhenTheBudgetIsFull() async throws {
        let client = try TestRedis.client()
        let prefix = TestRedis.prefix()
        let limiter = RedisGCRALimiter(client: client, keyPrefix: prefix)
        _ = try await limiter.acquire(key: "k", limit: RateLimitRule(requests: 1, period: .seconds(3600), burst: 5), cost: 2)
        let ttl = try #require(try await client.command(["PTTL", prefix + "k"]).integer)
        // Two emission intervals (2 h), less however long the machine took to ask.
        #expect(ttl > 3_600_000 && ttl <= 7_200_000)
        await client.close()
    }

    @Test func twoReplicasShareOneBudget() async throws {
        let prefix = TestRedis.prefix()
        let (clientA, clientB) = (try TestRedis.client(), try TestRedis.client())
        let replicaA = RedisGCRALimiter(client: clientA, keyPrefix: prefix)
        let replicaB = RedisGCRALimiter(client: clientB, keyPrefix: prefix)
        let rule = RateLimitRule(requests: 4, period: .seconds(3600))
        #expect(try await replicaA.acquire(key: "user", limit: rule, cost: 3).allowed)
        #expect(try await replicaB.acquire(key: "user", limit: rule).allowed)
        #expect(try await !replicaB.acquire(key: "user", limit: rule).allowed)
        #expect(try await !replicaA.acquire(key: "user", limit: rule).allowed)
        await clientA.close()
        await clientB.close()
    }

    @Test func reloadsTheScriptAfterFlush() async throws {
        let client = try TestRedis.client()
        let limiter = RedisGCRALimiter(client: client, keyPrefix: TestRedis.prefix())
        let rule = RateLimitRule(requests: 10, period: .seconds(3600))
        #expect(try await limiter.acquire(key: "k", limit: rule).remaining == 9)
        _ = try await client.command(["SCRIPT", "FLUSH"])
        #expect(try await limiter.acquire(key: "k", limit: rule).remaining == 8)
        await client.close()
    }

    @Test func concurrentCallsOnTwoReplicasNeverExceedTheBudget() async throws {
        let prefix = TestRedis.prefix()
        let clients = [try TestRedis.client(), try TestRedis.client()]
        let replicas = clients.map { RedisGCRALimiter(client: $0, keyPrefix: prefix) }
        let rule = RateLimitRule(requests: 50, period: .seconds(3600))
        let allowed = try await countConcurrently(400) { index in
            try await replicas[index % 2].acquire(key: "shared", limit: rule).allowed
        }
        #expect(allowed == 50)
        for client in clients { await client.close() }
    }

    @Test func agreesWithTheLocalLimiter() async throws {
        let client = try TestRedis.client()
        let shared = RedisGCRALimiter(client: client, keyPrefix: TestRedis.prefix())
        let local = LocalGCRALimiter()
        let rule = RateLimitRule(requests: 7, period: .seconds(7200), burst: 4)
        for cost in [1, 2, 0, 3, 1, 1, 5] {
            let remote = try await shared.acquire(key: "k", limit: rule, cost: cost)
            let inProcess = try await local.acquire(key: "k", limit: rule, cost: cost)
            #expect(remote.allowed == inProcess.allowed)
            #expect(remote.remaining == inProcess.remaining)
            #expect(remote.limit == inProcess.limit)
        }
        await client.close()
    }

    @Test func severalKeysAreDecidedInOneCallAllOrNothing() async throws {
        let client = try TestRedis.client()
        let prefix = TestRedis.prefix()
        let shared = RedisGCRALimiter(client: client, keyPrefix: prefix)
        let local = LocalGCRALimiter()
        let wide = RateLimitRule(requests: 100, period: .seconds(3600), burst: 10)
        let narrow = RateLimitRule(requests: 2, period: .seconds(3600), burst: 2)
        let both = [RateLimitRequest(key: "global", rule: wide), RateLimitRequest(key: "caller", rule: narrow, cost: 1)]
        for _ in 0..<4 {
            let remote = try await shared.acquire(both)
            let inProcess = try await local.acquire(both)
            #expect(remote.map(\.allowed) == inProcess.map(\.allowed))
            #expect(remote.map(\.remaining) == inProcess.map(\.remaining))
        }
        // Two admitted, two refused by the caller's budget: the global key holds two units.
        #expect(try await shared.acquire(key: "global", limit: wide, cost: 0).remaining == 8)
        #expect(try await client.command(["EXISTS", prefix + "caller"]) == .integer(1))
        await client.close()
    }
}

