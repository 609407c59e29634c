import Logging
import ServiceConfig
import SharedState

/// The state replicas share, decided here and nowhere else: with `REDIS_URL`, a Redis
/// client behind the rate limiter (falling back to an in-process limiter while Redis is
/// down) and behind the cache's second tier; without it, in-process equivalents only.
public struct SharedServices: Sendable {
    /// The Redis client, when Redis is configured.
    public let redis: RedisClient?
    /// Nil when rate limiting is off (`RATE_LIMIT_ENABLED=false`).
    public let rateLimiter: (any RateLimiter)?
    /// The cache behind `responses`; nil when `CACHE_ENABLED=false`.
    public let cache: TieredCache?
    /// Cached read answers; bypassed when `CACHE_ENABLED=false`.
    public let responses: ResponseCache

    public init(redis: RedisClient?, rateLimiter: (any RateLimiter)?, cache: TieredCache?, ttl: Duration) {
        self.redis = redis
        self.rateLimiter = rateLimiter
        self.cache = cache
        self.responses = cache.map { ResponseCache(cache: $0, ttl: ttl) } ?? .disabled
    }

    /// Whether API key records may be remembered between requests: only when every request
    /// reads their shared generation, which a revocation on any replica moves.
    var remembersKeys: Bool { redis != nil && cache != nil }

    /// Tells every replica that a key was revoked, so that none trusts its remembered copy.
    public func keyRevoked() async {
        await cache?.invalidate(namespace: APIKeyAuthenticator.cacheNamespace)
    }

    /// Builds what `config` asks for. Connects lazily: a Redis that is down at start makes
    /// the service degraded, not dead.
    public static func make(config: AppConfig, logger: Logger) throws -> SharedServices {
        // The shared-state metrics are made with their objects, so the registry they report
        // to must exist first.
        if config.monitoring.metricsEnabled { _ = MetricsRegistry.shared() }
        let redis = try config.redisURL.map { try RedisClient(url: $0, poolSize: redisPoolSize, logger: logger) }
        return make(config: config, redis: redis, logger: logger)
    }

    /// In-process only, whatever `REDIS_URL` says.
    public static func inProcess(config: AppConfig, logger: Logger) -> SharedServices {
        make(config: config, redis: nil, logger: logger)
    }

    static let redisPoolSize = 8

    private static func make(config: AppConfig, redis: RedisClient?, logger: Logger) -> SharedServices {
        if config.monitoring.metricsEnabled { _ = MetricsRegistry.shared() }
        var rateLimiter: (any RateLimiter)?
        if config.security.rateLimiting.enabled {
            let local = LocalGCRALimiter()
            rateLimiter = redis.map {
                FallbackRateLimiter(primary: RedisGCRALimiter(client: $0, keyPrefix: config.redisKeyPrefix + "ratelimit:"),
                                    fallback: local, logger: logger)
            } ?? local
        }
        let cache = config.cache.enabled ? TieredCache(
            memory: MemoryLRUCache(capacityBytes: config.cache.sizeBytes),
            redis: redis.map { RedisCache(client: $0, keyPrefix: config.redisKeyPrefix + "cache:", logger: logger) },
            logger: logger) : nil
        return SharedServices(redis: redis, rateLimiter: rateLimiter, cache: cache, ttl: config.cache.ttl)
    }

    /// Probes for `/health`: Redis, when configured, is optional (down means degraded).
    var healthChecks: [HealthCheck] {
        guard let redis else { return [] }
        return [HealthCheck(name: "redis", critical: false) {
            do {
                let latency = try await redis.ping()
                return ComponentHealth(
                    status: .up, detail: redis.configuration.redactedURL,
                    latencyMilliseconds: Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15)
            } catch {
                return ComponentHealth(status: .down, detail: "\(error)")
            }
        }]
    }

    public func close() async {
        await redis?.close()
    }
}
