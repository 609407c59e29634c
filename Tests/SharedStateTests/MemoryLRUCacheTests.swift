import MetricsTestKit
import SharedState
import Testing

@Suite("Memory LRU cache")
struct MemoryLRUCacheTests {
    /// Bytes charged for a value of `size` bytes under `key` in namespace "ns".
    func cost(_ key: String, _ size: Int) -> Int { 128 + 2 + key.utf8.count + size }

    func key(_ name: String, _ namespace: String = "ns") -> CacheKey { CacheKey(namespace: namespace, key: name) }

    @Test func storesAndReturnsBytes() async {
        let cache = MemoryLRUCache(sizeMB: 1)
        #expect(await cache.get(key("a")) == nil)
        await cache.set(key("a"), value: [1, 2, 3], ttl: .seconds(60))
        #expect(await cache.get(key("a")) == [1, 2, 3])
        await cache.set(key("a"), value: [4], ttl: .seconds(60))
        #expect(await cache.get(key("a")) == [4])
        #expect(cache.usage.entries == 1)
        #expect(cache.usage.bytes == cost("a", 1))
    }

    @Test func evictsLeastRecentlyUsedByBytes() async throws {
        let metrics = TestMetrics()
        let cache = MemoryLRUCache(capacityBytes: 3 * cost("x", 100), metricsFactory: metrics)
        let value = [UInt8](repeating: 7, count: 100)
        for name in ["a", "b", "c"] { await cache.set(key(name), value: value, ttl: .seconds(60)) }
        #expect(await cache.get(key("a")) != nil)  // "b" is now the least recently used
        await cache.set(key("d"), value: value, ttl: .seconds(60))
        #expect(await cache.get(key("b")) == nil)
        for name in ["a", "c", "d"] { #expect(await cache.get(key(name)) != nil) }

        // A big value pushes out as many old ones as it needs.
        await cache.set(key("e"), value: [UInt8](repeating: 1, count: 2 * 100 + 128 + 5), ttl: .seconds(60))
        #expect(await cache.get(key("e")) != nil)
        #expect(cache.usage.entries == 1)
        #expect(cache.usage.bytes <= cache.capacityBytes)
        #expect(try metrics.expectCounter("claude_code_cache_evictions_total", [("tier", "memory")]).totalValue == 4)
    }

    @Test func valueLargerThanTheCacheIsNotStored() async {
        let cache = MemoryLRUCache(capacityBytes: 1_000)
        await cache.set(key("small"), value: [1], ttl: .seconds(60))
        await cache.set(key("huge"), value: [UInt8](repeating: 0, count: 2_000), ttl: .seconds(60))
        #expect(await cache.get(key("huge")) == nil)
        #expect(await cache.get(key("small")) == [1])
    }

    @Test func entriesExpire() async {
        let clock = ManualTimeSource()
        let cache = MemoryLRUCache(sizeMB: 1, timeSource: clock)
        await cache.set(key("short"), value: [1], ttl: .seconds(2))
        await cache.set(key("long"), value: [2], ttl: .seconds(60))
        await cache.set(key("none"), value: [3], ttl: .zero)
        clock.advance(by: .milliseconds(1_999))
        #expect(await cache.get(key("short")) == [1])
        clock.advance(by: .milliseconds(1))
        #expect(await cache.get(key("short")) == nil)
        #expect(await cache.get(key("long")) == [2])
        #expect(await cache.get(key("none")) == nil)
        #expect(cache.usage.entries == 1)
    }

    @Test func invalidatesOneNamespace() async {
        let cache = MemoryLRUCache(sizeMB: 1)
        await cache.set(key("a", "session:1"), value: [1], ttl: .seconds(60))
        await cache.set(key("b", "session:1"), value: [2], ttl: .seconds(60))
        await cache.set(key("a", "session:2"), value: [3], ttl: .seconds(60))
        await cache.invalidate(namespace: "session:1")
        #expect(await cache.get(key("a", "session:1")) == nil)
        #expect(await cache.get(key("b", "session:1")) == nil)
        #expect(await cache.get(key("a", "session:2")) == [3])
        #expect(cache.usage.entries == 1)
        await cache.set(key("a", "session:1"), value: [4], ttl: .seconds(60))
        #expect(await cache.get(key("a", "session:1")) == [4])
    }

    @Test func loadRacingAnInvalidationIsNotCached() async {
        let cache = MemoryLRUCache(sizeMB: 1)
        let loaded = await cache.getOrLoad(key("k"), ttl: .seconds(60)) {
            await cache.invalidate(namespace: "ns")  // a write lands while we were loading
            return [9]
        }
        #expect(loaded == [9])
        #expect(await cache.get(key("k")) == nil)
        let again = await cache.getOrLoad(key("k"), ttl: .seconds(60)) { [10] }
        #expect(again == [10])
        #expect(await cache.getOrLoad(key("k"), ttl: .seconds(60)) { [11] } == [10])
    }

    @Test func countsHitsAndMisses() async throws {
        let metrics = TestMetrics()
        let cache = MemoryLRUCache(sizeMB: 1, metricsFactory: metrics)
        _ = await cache.get(key("a"))
        await cache.set(key("a"), value: [1], ttl: .seconds(60))
        _ = await cache.get(key("a"))
        _ = await cache.get(key("a"))
        #expect(try metrics.expectCounter("claude_code_cache_hits_total", [("tier", "memory")]).totalValue == 2)
        #expect(try metrics.expectCounter("claude_code_cache_misses_total", [("tier", "memory")]).totalValue == 1)
        #expect(try metrics.expectGauge("claude_code_cache_entries", [("tier", "memory")]).lastValue == 1)
    }

    @Test func staysWithinItsBudgetUnderConcurrentUse() async throws {
        let cache = MemoryLRUCache(capacityBytes: 50_000)
        _ = try await countConcurrently(2_000) { index in
            let name = "k\(index % 300)"
            if index % 3 == 0 { await cache.invalidate(namespace: "ns\(index % 7)") }
            await cache.set(CacheKey(namespace: "ns\(index % 7)", key: name), value: [UInt8](repeating: 1, count: index % 500),
                            ttl: .seconds(60))
            return await cache.get(CacheKey(namespace: "ns\(index % 7)", key: name)) != nil
        }
        #expect(cache.usage.bytes <= 50_000)
    }
}
