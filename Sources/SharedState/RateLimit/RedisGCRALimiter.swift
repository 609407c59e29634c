/// GCRA shared by every replica: one Lua script evaluated by Redis per request.
///
/// The script reads the clock with `TIME`, so the time is Redis's and clock skew between
/// replicas does not matter; each key is one integer (its TAT in microseconds) that
/// expires when the budget is full again. Script effects replication (the default since
/// Redis 5, the only mode in 7) makes the non-deterministic `TIME` safe to replicate.
public final class RedisGCRALimiter: RateLimiter {
    private let client: RedisClient
    private let keyPrefix: String

    /// - Parameter keyPrefix: prepended to every key, so limiters of different purposes or
    ///   deployments sharing a Redis do not collide.
    public init(client: RedisClient, keyPrefix: String = "cci:ratelimit:") {
        self.client = client
        self.keyPrefix = keyPrefix
    }

    /// Throws ``RedisError`` when Redis cannot answer.
    public func acquire(key: String, limit: RateLimitRule, cost: Int) async throws -> RateLimitDecision {
        precondition(cost >= 0, "a rate limit cost is not negative")
        let reply = try await Self.script.run(
            on: client, keys: [keyPrefix + key],
            arguments: [String(limit.emissionIntervalMicroseconds), String(limit.burst), String(cost)])
        guard let fields = reply.array?.compactMap(\.integer), fields.count == 4 else {
            throw RedisError.protocol("unexpected rate limit script reply \(reply)")
        }
        return RateLimitDecision(
            allowed: fields[0] == 1, limit: limit.burst, remaining: Int(fields[1]),
            resetAfter: .microseconds(fields[2]), retryAfter: fields[0] == 1 ? nil : .microseconds(fields[3]))
    }

    /// KEYS[1]: the TAT key. ARGV: emission interval (µs), burst, cost.
    /// Returns {allowed, remaining, reset after µs, retry after µs}; mirrors `GCRA.evaluate`.
    static let script = RedisScript("""
        if redis.replicate_commands then pcall(redis.replicate_commands) end
        local interval = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local tat = now
        local stored = redis.call('GET', KEYS[1])
        if stored then tat = math.max(tonumber(stored), now) end
        local capacity = interval * burst
        local new_tat = tat + interval * cost
        local allow_at = new_tat - capacity
        if allow_at > now then
          local remaining = math.max(0, math.floor((capacity - (tat - now)) / interval))
          return {0, remaining, tat - now, allow_at - now}
        end
        if cost > 0 then
          local ttl_ms = math.max(1, math.ceil((new_tat - now) / 1000))
          redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', ttl_ms)
        end
        return {1, math.floor((capacity - (new_tat - now)) / interval), new_tat - now, 0}
        """)
}
