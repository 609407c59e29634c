import Logging
import ServiceConfig
import SharedState

/// The state replicas share: with `REDIS_URL`, a Redis client behind the rate limiter and
/// cache; without it, in-process equivalents. One place decides which.
public struct SharedServices: Sendable {
    /// The Redis client, when Redis is configured.
    public let redis: RedisClient?

    public init(redis: RedisClient?) {
        self.redis = redis
    }

    /// In-process only (no Redis).
    public static let local = SharedServices(redis: nil)

    /// Connects lazily: a Redis that is down at start makes the service degraded, not dead.
    public static func make(redisURL: String?, logger: Logger) throws -> SharedServices {
        guard let redisURL else { return .local }
        return SharedServices(redis: try RedisClient(url: redisURL, poolSize: 8, logger: logger))
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
