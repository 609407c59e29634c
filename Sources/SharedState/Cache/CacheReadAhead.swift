/// Shared-cache generations read at the start of a request, in the round trip that decided
/// its rate limits, so that its cache lookups and its key check need no `MGET` of their own.
/// Made by ``TieredCache/readAhead(_:values:)`` and used under ``TieredCache/readAhead``.
public struct CacheReadAhead: Sendable {
    let cache: ObjectIdentifier
    let generations: [String: RedisCacheGeneration]

    /// `namespace`'s generation, if it was read.
    public func generation(of namespace: String) -> RedisCacheGeneration? {
        generations[namespace]
    }

    /// `namespace`'s generation, if it was read for `cache` (another cache, say another
    /// replica's in a test process, keeps its own generations).
    func generation(of namespace: String, in cache: TieredCache) -> RedisCacheGeneration? {
        self.cache == ObjectIdentifier(cache) ? generations[namespace] : nil
    }
}
