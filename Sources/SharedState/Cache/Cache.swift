/// Where a cached value lives: a namespace that is invalidated as a whole (for example
/// `"session:<id>"` or `"search"`) and a key within it.
public struct CacheKey: Sendable, Hashable, CustomStringConvertible {
    public let namespace: String
    public let key: String

    public init(namespace: String, key: String) {
        self.namespace = namespace
        self.key = key
    }

    public var description: String { "\(namespace)/\(key)" }
}

/// A byte cache with per-namespace invalidation.
///
/// Contract, shared by every implementation:
/// - `get` returns what `set` stored under the same key, unless its `ttl` has passed, it was
///   evicted, or its namespace was invalidated since. A cache may forget anything at any time.
/// - Nothing throws: a cache is an optimisation, so a failing backend reads as a miss and
///   drops writes (implementations log and count it).
/// - After `invalidate(namespace:)` (or `invalidateAll()`) returns, no `get` returns a value stored in that
///   namespace before the call; for a shared cache this holds on every replica, with the
///   exceptions its documentation states for backend outages.
/// - `getOrLoad` never stores a value whose `load` raced with an invalidation of its
///   namespace: the value is returned to its caller but not cached.
/// - A non-positive `ttl` stores nothing.
public protocol Cache: Sendable {
    func get(_ key: CacheKey) async -> [UInt8]?
    func set(_ key: CacheKey, value: [UInt8], ttl: Duration) async
    func invalidate(namespace: String) async
    /// Invalidates every namespace at once (after the whole database was replaced).
    func invalidateAll() async
    /// The cached value, or the result of `load`, which is then cached for `ttl`.
    func getOrLoad(_ key: CacheKey, ttl: Duration, load: () async throws -> [UInt8]) async rethrows -> [UInt8]
}
