import Logging
import Metrics

/// A cache in Redis, shared by every replica, invalidated through generation counters.
///
/// Each namespace has a generation number in Redis, and every value key embeds the
/// generation current when it was stored: invalidating a namespace moves its generation,
/// so all its old values become unreachable at once (and expire by their TTL) without
/// scanning for keys. A global epoch, also embedded, invalidates everything.
///
/// Generations move by a script that takes the larger of "previous + 1" and the Redis
/// clock in microseconds, so a generation key may expire (after `generationTTL` without
/// invalidations) and a later one still never repeats an old value. Value TTLs are capped
/// at `generationTTL`, so no value outlives the generation it was stored under.
public final class RedisCache: Cache {
    private let client: RedisClient
    private let keyPrefix: String
    private let generationTTL: Duration
    private let logger: Logger
    let metrics: CacheMetrics

    /// - Parameter keyPrefix: prepended to every key this cache writes.
    public init(
        client: RedisClient,
        keyPrefix: String = "cci:cache:",
        generationTTL: Duration = .seconds(7 * 24 * 3600),
        logger: Logger = Logger(label: "cci.cache"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.client = client
        self.keyPrefix = keyPrefix
        self.generationTTL = generationTTL
        self.logger = logger
        self.metrics = CacheMetrics(tier: "redis", factory: metricsFactory)
    }

    public func get(_ key: CacheKey) async -> [UInt8]? {
        do {
            return try await fetch(key, generation: try await generation(of: key.namespace))
        } catch {
            failed("get", error)
            return nil
        }
    }

    public func set(_ key: CacheKey, value: [UInt8], ttl: Duration) async {
        do {
            try await put(key, value: value, ttl: ttl, generation: try await generation(of: key.namespace))
        } catch {
            failed("set", error)
        }
    }

    public func invalidate(namespace: String) async {
        do {
            try await bumpGeneration(of: namespace)
        } catch {
            failed("invalidate", error)
        }
    }

    public func invalidateAll() async {
        do {
            try await bumpEpoch()
        } catch {
            failed("invalidate", error)
        }
    }

    public func getOrLoad(_ key: CacheKey, ttl: Duration, load: () async throws -> [UInt8]) async rethrows -> [UInt8] {
        let generation: RedisCacheGeneration
        do {
            generation = try await self.generation(of: key.namespace)
            if let value = try await fetch(key, generation: generation) { return value }
        } catch {
            failed("get", error)
            return try await load()
        }
        let value = try await load()
        do {
            try await put(key, value: value, ttl: ttl, generation: generation)
        } catch {
            failed("set", error)
        }
        return value
    }

    // MARK: - Throwing operations, for TieredCache

    /// The current epoch and generation of `namespace` (0 for one never invalidated).
    func generation(of namespace: String) async throws -> RedisCacheGeneration {
        let generations = try await self.generations(of: [namespace])
        guard let generation = generations[namespace] else { throw RedisError.protocol("no generation for \(namespace)") }
        return generation
    }

    /// The current generations of `namespaces`, in one `MGET`.
    func generations(of namespaces: [String]) async throws -> [String: RedisCacheGeneration] {
        let reply = try await client.command(["MGET"] + generationKeys(namespaces))
        guard let values = reply.array, let generations = Self.generations(namespaces, values: values) else {
            throw RedisError.protocol("unexpected MGET reply \(reply)")
        }
        return generations
    }

    /// The keys holding `namespaces`' generations: the epoch's, then one per namespace.
    func generationKeys(_ namespaces: [String]) -> [String] {
        [epochKey] + namespaces.map(generationKey)
    }

    /// `namespaces`' generations from the values of their ``generationKeys(_:)``, in order;
    /// nil when the values do not match the keys.
    static func generations(_ namespaces: [String], values: [RedisValue]) -> [String: RedisCacheGeneration]? {
        guard values.count == namespaces.count + 1 else { return nil }
        let epoch = values[0].integer ?? 0
        var generations: [String: RedisCacheGeneration] = [:]
        for (namespace, value) in zip(namespaces, values.dropFirst()) {
            generations[namespace] = RedisCacheGeneration(epoch: epoch, namespace: value.integer ?? 0)
        }
        return generations
    }

    func fetch(_ key: CacheKey, generation: RedisCacheGeneration) async throws -> [UInt8]? {
        let value = try await client.command(["GET", valueKey(key, generation)]).bytes
        metrics.record(hit: value != nil)
        return value
    }

    func put(_ key: CacheKey, value: [UInt8], ttl: Duration, generation: RedisCacheGeneration) async throws {
        let milliseconds = min(ttl, generationTTL).microseconds / 1000
        guard milliseconds > 0 else { return }
        _ = try await client.command(bytes: [
            Array("SET".utf8), Array(valueKey(key, generation).utf8), value, Array("PX".utf8),
            Array(String(milliseconds).utf8),
        ])
    }

    func bumpGeneration(of namespace: String) async throws {
        _ = try await Self.bumpScript.run(
            on: client, keys: [generationKey(namespace)], arguments: [String(generationTTL.microseconds / 1000)])
    }

    /// Invalidates every namespace at once.
    func bumpEpoch() async throws {
        _ = try await Self.bumpScript.run(on: client, keys: [epochKey], arguments: ["0"])
    }

    // MARK: - Keys

    private var epochKey: String { keyPrefix + "epoch" }

    private func generationKey(_ namespace: String) -> String {
        keyPrefix + "gen:" + namespace
    }

    private func valueKey(_ key: CacheKey, _ generation: RedisCacheGeneration) -> String {
        "\(keyPrefix)v:\(key.namespace):\(generation.tag):\(key.key)"
    }

    private func failed(_ operation: String, _ error: any Error) {
        metrics.errors.increment()
        logger.debug("Redis cache \(operation) failed", metadata: ["error": "\(error)"])
    }

    /// KEYS[1]: a generation or epoch key. ARGV[1]: its TTL in ms (0: none). Returns the new value.
    static let bumpScript = RedisScript("""
        if redis.replicate_commands then pcall(redis.replicate_commands) end
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
        local generation = string.format('%.0f', math.max(now, current + 1))
        local ttl = tonumber(ARGV[1])
        if ttl > 0 then
          redis.call('SET', KEYS[1], generation, 'PX', ttl)
        else
          redis.call('SET', KEYS[1], generation)
        end
        return generation
        """)
}

/// Which generation a value was stored under in Redis: it changes whenever its namespace,
/// or the whole cache, is invalidated.
public struct RedisCacheGeneration: Sendable, Hashable {
    let epoch: Int64
    let namespace: Int64

    var tag: String { "\(epoch).\(namespace)" }
}
