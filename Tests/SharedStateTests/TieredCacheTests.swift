import MetricsTestKit
import SharedState
import Testing

/// One replica's cache: its own memory and Redis connections, sharing the Redis keys.
private struct Replica {
    let client: RedisClient
    let cache: TieredCache
    let metrics: TestMetrics

    init(url: String, prefix: String, commandTimeout: Duration = .seconds(5),
         retryAfter: Duration = .seconds(1)) throws {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = commandTimeout
        metrics = TestMetrics()
        client = RedisClient(configuration: configuration, metricsFactory: metrics)
        cache = TieredCache(
            memory: MemoryLRUCache(sizeMB: 1, metricsFactory: metrics),
            redis: RedisCache(client: client, keyPrefix: prefix, metricsFactory: metrics),
            memoryTTL: .seconds(30), retryAfter: retryAfter, metricsFactory: metrics)
    }

    func hits(_ tier: String) throws -> Int64 {
        try metrics.expectCounter("claude_code_cache_hits_total", [("tier", tier)]).totalValue
    }
}

@Suite("Tiered cache")
struct TieredCacheTests {
    let key = CacheKey(namespace: "session:42", key: "summary")

    @Test func withoutRedisItIsTheMemoryCache() async {
        let clock = ManualTimeSource()
        let cache = TieredCache(memory: MemoryLRUCache(sizeMB: 1, timeSource: clock), redis: nil, memoryTTL: .seconds(5))
        await cache.set(key, value: [1], ttl: .seconds(60))
        clock.advance(by: .seconds(30))
        #expect(await cache.get(key) == [1], "memoryTTL only caps entries when Redis is shared")
        await cache.invalidate(namespace: "session:42")
        #expect(await cache.get(key) == nil)
        #expect(!cache.isDegraded)
    }

    @Test(.enabled(if: TestRedis.enabled))
    func invalidationThroughOneReplicaIsSeenByAnother() async throws {
        let url = try TestRedis.requireURL()
        let prefix = TestRedis.prefix()
        let a = try Replica(url: url, prefix: prefix)
        let b = try Replica(url: url, prefix: prefix)

        await a.cache.set(key, value: Array("v1".utf8), ttl: .seconds(60))
        #expect(await b.cache.get(key) == Array("v1".utf8))  // from Redis
        #expect(await b.cache.get(key) == Array("v1".utf8))  // from B's memory
        #expect(try b.hits("redis") == 1)
        #expect(try b.hits("memory") == 1)

        await a.cache.invalidate(namespace: "session:42")
        #expect(await b.cache.get(key) == nil, "B's memory entry is stale at once")
        #expect(await a.cache.get(key) == nil)

        let other = CacheKey(namespace: "search", key: "q")
        await a.cache.set(other, value: [7], ttl: .seconds(60))
        await a.cache.invalidate(namespace: "session:42")
        #expect(await b.cache.get(other) == [7], "other namespaces are untouched")

        let loaded = await b.cache.getOrLoad(key, ttl: .seconds(60)) { Array("v2".utf8) }
        #expect(loaded == Array("v2".utf8))
        #expect(await a.cache.get(key) == Array("v2".utf8))
        await a.client.close()
        await b.client.close()
    }

    @Test(.enabled(if: TestRedis.enabled))
    func redisCacheAloneSharesAndExpires() async throws {
        let client = try TestRedis.client()
        let cache = RedisCache(client: client, keyPrefix: TestRedis.prefix())
        await cache.set(key, value: [1, 0, 2], ttl: .seconds(60))
        #expect(await cache.get(key) == [1, 0, 2])

        // Expiry is Redis's own: poll for it rather than guess how long a loaded machine takes.
        let shortLived = CacheKey(namespace: key.namespace, key: "short-lived")
        await cache.set(shortLived, value: [9], ttl: .milliseconds(300))
        var expired = false
        for _ in 0..<100 where !expired {
            try await Task.sleep(for: .milliseconds(100))
            expired = await cache.get(shortLived) == nil
        }
        #expect(expired, "a value is gone once its TTL has passed")
        #expect(await cache.get(key) == [1, 0, 2], "a longer TTL is untouched")
        await cache.set(key, value: [3], ttl: .seconds(60))
        await cache.invalidate(namespace: key.namespace)
        #expect(await cache.get(key) == nil)
        await client.close()
    }

    @Test(.enabled(if: TestRedis.enabled))
    func degradesToMemoryAndReplaysInvalidationsWhenRedisReturns() async throws {
        _ = try TestRedis.requireURL()
        let server = try RedisProcess()
        let a = try Replica(url: server.url, prefix: "tiered:", commandTimeout: .milliseconds(100),
                            retryAfter: .milliseconds(200))
        let b = try Replica(url: server.url, prefix: "tiered:", commandTimeout: .milliseconds(100),
                            retryAfter: .milliseconds(200))
        await a.cache.set(key, value: [1], ttl: .seconds(60))
        #expect(await b.cache.get(key) == [1])

        server.pause()
        await a.cache.invalidate(namespace: key.namespace)  // times out: remembered
        #expect(a.cache.isDegraded)
        #expect(await a.cache.get(key) == nil)
        await a.cache.set(key, value: [2], ttl: .seconds(60))
        #expect(await a.cache.get(key) == [2], "memory-only while degraded")

        server.resume()
        // Each read after `retryAfter` tries Redis again; a loaded machine may need a few.
        var afterRecovery: [UInt8]? = [2]
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(100))
            afterRecovery = await a.cache.get(key)
            if !a.cache.isDegraded { break }
        }
        #expect(!a.cache.isDegraded)
        #expect(afterRecovery == nil, "A replayed its invalidation, then found nothing newer")
        #expect(await b.cache.get(key) == nil, "B sees the invalidation A made during the outage")
        await a.client.close()
        await b.client.close()
        server.stop()
    }
}
