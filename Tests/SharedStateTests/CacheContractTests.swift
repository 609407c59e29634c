import SharedState
import Testing

/// Every `Cache` implementation, for the tests of the protocol's contract.
enum CacheBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, tieredWithoutRedis, redis, tiered

    /// The backends this run can test: Redis-backed ones need the test server.
    static var available: [CacheBackend] {
        TestRedis.enabled ? allCases : [.memory, .tieredWithoutRedis]
    }

    var testDescription: String { rawValue }

    /// A fresh cache (with its own key prefix), and what to close afterwards.
    func make() throws -> (cache: any Cache, client: RedisClient?) {
        switch self {
        case .memory:
            return (MemoryLRUCache(sizeMB: 1), nil)
        case .tieredWithoutRedis:
            return (TieredCache(memory: MemoryLRUCache(sizeMB: 1), redis: nil), nil)
        case .redis:
            let client = try TestRedis.client()
            return (RedisCache(client: client, keyPrefix: TestRedis.prefix()), client)
        case .tiered:
            let client = try TestRedis.client()
            let redis = RedisCache(client: client, keyPrefix: TestRedis.prefix())
            return (TieredCache(memory: MemoryLRUCache(sizeMB: 1), redis: redis), client)
        }
    }
}

@Suite("Cache contract")
struct CacheContractTests {
    let key = CacheKey(namespace: "session:7", key: "restore-pack")
    let neighbour = CacheKey(namespace: "session:8", key: "restore-pack")

    @Test(arguments: CacheBackend.available)
    func storesBytesUntouched(backend: CacheBackend) async throws {
        let (cache, client) = try backend.make()
        #expect(await cache.get(key) == nil)
        let value: [UInt8] = [0, 1, 254, 255, 10, 13, 0]
        await cache.set(key, value: value, ttl: .seconds(60))
        #expect(await cache.get(key) == value)
        await client?.close()
    }

    @Test(arguments: CacheBackend.available)
    func invalidatesOnlyItsNamespace(backend: CacheBackend) async throws {
        let (cache, client) = try backend.make()
        await cache.set(key, value: [1], ttl: .seconds(60))
        await cache.set(neighbour, value: [2], ttl: .seconds(60))
        await cache.invalidate(namespace: key.namespace)
        #expect(await cache.get(key) == nil)
        #expect(await cache.get(neighbour) == [2])
        await cache.set(key, value: [3], ttl: .seconds(60))
        #expect(await cache.get(key) == [3])
        await client?.close()
    }

    @Test(arguments: CacheBackend.available)
    func invalidateAllEmptiesEveryNamespace(backend: CacheBackend) async throws {
        let (cache, client) = try backend.make()
        await cache.set(key, value: [1], ttl: .seconds(60))
        await cache.invalidate(namespace: neighbour.namespace)  // a namespace with its own generation
        await cache.set(neighbour, value: [2], ttl: .seconds(60))
        await cache.invalidateAll()
        #expect(await cache.get(key) == nil)
        #expect(await cache.get(neighbour) == nil)
        await cache.set(key, value: [3], ttl: .seconds(60))
        #expect(await cache.get(key) == [3], "caching goes on afterwards")
        await cache.invalidate(namespace: neighbour.namespace)
        await cache.set(neighbour, value: [4], ttl: .seconds(60))
        #expect(await cache.get(neighbour) == [4])
        await client?.close()
    }

    @Test(arguments: CacheBackend.available)
    func expiresAfterItsTTL(backend: CacheBackend) async throws {
        let (cache, client) = try backend.make()
        await cache.set(key, value: [1], ttl: .milliseconds(100))
        await cache.set(neighbour, value: [2], ttl: .zero)
        #expect(await cache.get(neighbour) == nil)
        try await Task.sleep(for: .milliseconds(200))
        #expect(await cache.get(key) == nil)
        await client?.close()
    }

    @Test(arguments: CacheBackend.available)
    func getOrLoadLoadsOnceAndNeverCachesARacingLoad(backend: CacheBackend) async throws {
        let (cache, client) = try backend.make()
        #expect(await cache.getOrLoad(key, ttl: .seconds(60)) { [1] } == [1])
        #expect(await cache.getOrLoad(key, ttl: .seconds(60)) { [2] } == [1])

        await cache.invalidate(namespace: key.namespace)
        let raced = await cache.getOrLoad(key, ttl: .seconds(60)) {
            await cache.invalidate(namespace: key.namespace)
            return [3]
        }
        #expect(raced == [3])
        #expect(await cache.get(key) == nil)

        struct LoadFailed: Error {}
        await #expect(throws: LoadFailed.self) {
            try await cache.getOrLoad(key, ttl: .seconds(60)) { throw LoadFailed() }
        }
        await client?.close()
    }
}
