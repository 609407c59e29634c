import Logging
import Metrics
import NIOConcurrencyHelpers

/// The cache the service uses: process memory in front of Redis, coherent across replicas.
///
/// Every lookup first reads its namespace's generation from Redis (one `MGET`) and looks
/// for the value under that generation, in memory and then in Redis. An invalidation
/// through any replica moves the generation in Redis, so every replica misses at once.
///
/// A value found in Redis is kept in memory for `memoryTTL`, which may be a little past
/// its expiry in Redis: another reason to keep `memoryTTL` short.
///
/// Without Redis (a single node) this is the memory cache with local generations.
///
/// When Redis fails, the cache degrades to memory only with local generations, skipping
/// Redis for `retryAfter` before one operation probes it again. The trade-off: while Redis
/// is down, an invalidation on one replica is not seen by the others, which may serve
/// their own memory entries for at most `memoryTTL` — keep it short (seconds). Invalidations
/// made during the outage are remembered (up to `maximumPendingInvalidations`, beyond which
/// the whole cache is invalidated instead) and replayed to Redis by the replica that made
/// them on its first operation after Redis is back.
public final class TieredCache: Cache {
    private let memory: MemoryLRUCache
    private let redis: RedisCache?
    private let memoryTTL: Duration
    private let maximumPendingInvalidations: Int
    private let breaker: CircuitBreaker
    private let pending = NIOLockedValueBox(PendingInvalidations())
    private let logger: Logger

    private struct PendingInvalidations {
        var namespaces: Set<String> = []
        var everything = false
        var isEmpty: Bool { namespaces.isEmpty && !everything }
    }

    /// Where a lookup finds its values: memory only, or memory and Redis at a generation.
    private enum Tier {
        case local
        case shared(RedisCache, RedisCacheGeneration)
    }

    /// - Parameters:
    ///   - redis: the shared tier; `nil` on a single node.
    ///   - memoryTTL: the longest a value stays in memory when there is a shared tier.
    public init(
        memory: MemoryLRUCache,
        redis: RedisCache?,
        memoryTTL: Duration = .seconds(5),
        retryAfter: Duration = .seconds(1),
        maximumPendingInvalidations: Int = 10_000,
        timeSource: any TimeSource = SystemTimeSource(),
        logger: Logger = Logger(label: "cci.cache"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.memory = memory
        self.redis = redis
        self.memoryTTL = memoryTTL
        self.maximumPendingInvalidations = max(1, maximumPendingInvalidations)
        self.logger = logger
        self.breaker = CircuitBreaker(component: "cache", retryAfter: retryAfter, timeSource: timeSource,
                                      logger: logger, metricsFactory: metricsFactory)
    }

    /// True while Redis is being skipped or probed: the cache is memory-only.
    public var isDegraded: Bool { redis != nil && breaker.isOpen }

    public func get(_ key: CacheKey) async -> [UInt8]? {
        let memoryGeneration = memory.generation(of: key.namespace)
        let tier = await resolve(key.namespace)
        let memoryKey = Self.memoryKey(key, tier)
        if let value = memory.lookup(memoryKey) { return value }
        guard case .shared(let redis, let generation) = tier else { return nil }
        do {
            guard let value = try await redis.fetch(key, generation: generation) else { return nil }
            memory.store(memoryKey, value: value, ttl: memoryTTL, ifGeneration: memoryGeneration)
            return value
        } catch {
            failed(error, redis)
            return nil
        }
    }

    public func set(_ key: CacheKey, value: [UInt8], ttl: Duration) async {
        let memoryGeneration = memory.generation(of: key.namespace)
        await store(key, value: value, ttl: ttl, tier: await resolve(key.namespace), memoryGeneration: memoryGeneration)
    }

    public func invalidate(namespace: String) async {
        await memory.invalidate(namespace: namespace)
        await invalidateShared(.namespace(namespace))
    }

    public func invalidateAll() async {
        await memory.invalidateAll()
        await invalidateShared(.everything)
    }

    public func getOrLoad(_ key: CacheKey, ttl: Duration, load: () async throws -> [UInt8]) async rethrows -> [UInt8] {
        // Both generations are taken before loading: a value loaded while the namespace is
        // invalidated is stored under the old generation, where no one looks any more.
        let memoryGeneration = memory.generation(of: key.namespace)
        let tier = await resolve(key.namespace)
        let memoryKey = Self.memoryKey(key, tier)
        if let value = memory.lookup(memoryKey) { return value }
        if case .shared(let redis, let generation) = tier {
            do {
                if let value = try await redis.fetch(key, generation: generation) {
                    memory.store(memoryKey, value: value, ttl: memoryTTL, ifGeneration: memoryGeneration)
                    return value
                }
            } catch {
                failed(error, redis)
            }
        }
        let value = try await load()
        await store(key, value: value, ttl: ttl, tier: tier, memoryGeneration: memoryGeneration)
        return value
    }

    // MARK: - Tiers

    private func resolve(_ namespace: String) async -> Tier {
        if let redis, let generation = Self.readAhead?.generation(of: namespace, in: self) {
            return .shared(redis, generation)
        }
        guard let redis, breaker.shouldTry() else { return .local }
        do {
            try await replayPendingInvalidations(redis)
            let generation = try await redis.generation(of: namespace)
            breaker.recordSuccess()
            return .shared(redis, generation)
        } catch {
            failed(error, redis)
            return .local
        }
    }

    private func store(_ key: CacheKey, value: [UInt8], ttl: Duration, tier: Tier, memoryGeneration: UInt64) async {
        let memoryKey = Self.memoryKey(key, tier)
        let inMemory = redis == nil ? ttl : min(ttl, memoryTTL)
        memory.store(memoryKey, value: value, ttl: inMemory, ifGeneration: memoryGeneration)
        guard case .shared(let redis, let generation) = tier else { return }
        do {
            try await redis.put(key, value: value, ttl: ttl, generation: generation)
        } catch {
            failed(error, redis)
        }
    }

    /// Memory keys carry the tier and Redis generation, so entries made while degraded and
    /// entries of an older generation are never confused with current ones.
    private static func memoryKey(_ key: CacheKey, _ tier: Tier) -> CacheKey {
        switch tier {
        case .local: CacheKey(namespace: key.namespace, key: "l|" + key.key)
        case .shared(_, let generation): CacheKey(namespace: key.namespace, key: "r\(generation.tag)|" + key.key)
        }
    }

    private func failed(_ error: any Error, _ redis: RedisCache) {
        if error is CancellationError {
            breaker.recordAbandoned()
            return
        }
        redis.metrics.errors.increment()
        breaker.recordFailure(error)
    }

    // MARK: - Generations read ahead

    /// The generations read ahead for the request this task serves; lookups in their
    /// namespaces then skip their own `MGET`.
    @TaskLocal public static var readAhead: CacheReadAhead?

    /// The Redis keys holding `namespaces`' generations, for a caller that can read them in
    /// a round trip it makes anyway (see ``readAhead(_:values:)``); nil when there is no
    /// shared tier or it is not in use (degraded, or invalidations wait to be replayed).
    public func generationKeys(for namespaces: [String]) -> [String]? {
        guard !namespaces.isEmpty, let redis = sharedTierInUse else { return nil }
        return redis.generationKeys(namespaces)
    }

    /// The Redis tier, unless it is degraded or invalidations wait to be replayed to it.
    private var sharedTierInUse: RedisCache? {
        guard let redis, !breaker.isOpen, pending.withLockedValue({ $0.isEmpty }) else { return nil }
        return redis
    }

    /// The generations that the values read at ``generationKeys(for:)`` give.
    public func readAhead(_ namespaces: [String], values: [RedisValue]) -> CacheReadAhead? {
        RedisCache.generations(namespaces, values: values).map { CacheReadAhead(cache: ObjectIdentifier(self), generations: $0) }
    }

    /// Reads `namespaces`' generations itself, in one `MGET`; nil when the shared tier is
    /// absent or not in use, or the read fails.
    public func readAhead(_ namespaces: [String]) async -> CacheReadAhead? {
        guard !namespaces.isEmpty, let redis = sharedTierInUse else { return nil }
        do {
            let generations = try await redis.generations(of: namespaces)
            return CacheReadAhead(cache: ObjectIdentifier(self), generations: generations)
        } catch {
            failed(error, redis)
            return nil
        }
    }

    // MARK: - Invalidations made while Redis was down

    private enum Scope {
        case namespace(String)
        case everything
    }

    /// Moves the generation (or the epoch) in Redis, or remembers it for when Redis is back.
    private func invalidateShared(_ scope: Scope) async {
        guard let redis else { return }
        if breaker.shouldTry() {
            do {
                try await replayPendingInvalidations(redis)
                switch scope {
                case .namespace(let namespace): try await redis.bumpGeneration(of: namespace)
                case .everything: try await redis.bumpEpoch()
                }
                breaker.recordSuccess()
                return
            } catch {
                failed(error, redis)
            }
        }
        remember(scope)
    }

    private func remember(_ scope: Scope) {
        let limit = maximumPendingInvalidations
        pending.withLockedValue { pending in
            guard !pending.everything else { return }
            if case .namespace(let namespace) = scope { pending.namespaces.insert(namespace) }
            if case .everything = scope { pending.everything = true }
            if pending.everything || pending.namespaces.count > limit {
                pending.namespaces = []
                pending.everything = true
            }
        }
    }

    private func replayPendingInvalidations(_ redis: RedisCache) async throws {
        let taken = pending.withLockedValue { pending -> PendingInvalidations in
            defer { pending = PendingInvalidations() }
            return pending
        }
        guard !taken.isEmpty else { return }
        do {
            if taken.everything {
                try await redis.bumpEpoch()
            } else {
                for namespace in taken.namespaces { try await redis.bumpGeneration(of: namespace) }
            }
            logger.notice("replayed cache invalidations made while Redis was down", metadata: [
                "namespaces": "\(taken.everything ? "all" : String(taken.namespaces.count))",
            ])
        } catch {
            // Replaying one twice is harmless; losing one is not.
            pending.withLockedValue { pending in
                pending.everything = pending.everything || taken.everything
                if !pending.everything { pending.namespaces.formUnion(taken.namespaces) }
            }
            throw error
        }
    }
}
