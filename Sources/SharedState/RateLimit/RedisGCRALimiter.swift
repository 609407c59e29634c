/// GCRA shared by every replica: one Lua script evaluated by Redis per request.
///
/// The script reads the clock with `TIME`, so the time is Redis's and clock skew between
/// replicas does not matter; each key is one integer (its TAT in microseconds) that
/// expires when the budget is full again. Script effects replication (the default since
/// Redis 5, the only mode in 7) makes the non-deterministic `TIME` safe to replicate.
/// Several keys acquired together (global, caller, endpoint) take one script call, which
/// decides all of them atomically: one round trip per request whatever the number of levels.
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
    public func acquire(_ requests: [RateLimitRequest]) async throws -> [RateLimitDecision] {
        try await acquire(requests, reading: []).decisions
    }

    /// Decides `requests` and reads `keys` (taken as they are, without the limiter's
    /// prefix) in one script call. Throws ``RedisError`` when Redis cannot answer.
    public func acquire(_ requests: [RateLimitRequest], reading keys: [String]) async throws -> RateLimitOutcome {
        guard !requests.isEmpty || !keys.isEmpty else { return RateLimitOutcome(decisions: [], reads: []) }
        var arguments: [String] = []
        arguments.reserveCapacity(requests.count * 3)
        for request in requests {
            arguments += [String(request.rule.emissionIntervalMicroseconds), String(request.rule.burst), String(request.cost)]
        }
        let reply = try await Self.script.run(
            on: client, keys: requests.map { keyPrefix + $0.key } + keys, arguments: arguments)
        let decided = 4 * requests.count
        guard let values = reply.array, values.count == decided + keys.count,
              case let fields = values.prefix(decided).compactMap(\.integer), fields.count == decided else {
            throw RedisError.protocol("unexpected rate limit script reply \(reply)")
        }
        let decisions = requests.indices.map { index in
            let base = 4 * index
            let allowed = fields[base] == 1
            return RateLimitDecision(
                allowed: allowed, limit: requests[index].rule.burst, remaining: Int(fields[base + 1]),
                resetAfter: .microseconds(fields[base + 2]), retryAfter: allowed ? nil : .microseconds(fields[base + 3]))
        }
        return RateLimitOutcome(decisions: decisions, reads: Array(values.dropFirst(decided)))
    }

    /// KEYS: the TAT keys, then keys to read. ARGV: per TAT key, emission interval (µs),
    /// burst, cost. Returns per TAT key {allowed, remaining, reset after µs, retry after µs},
    /// then each read key's value (nil when missing); mirrors `GCRA.evaluate`, and stores the
    /// new TATs only when every key admits.
    static let script = RedisScript("""
        if redis.replicate_commands then pcall(redis.replicate_commands) end
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local reply = {}
        local writes = {}
        local admitted = true
        local budgets = #ARGV / 3
        for i = 1, budgets do
          local key = KEYS[i]
          local interval = tonumber(ARGV[3 * i - 2])
          local burst = tonumber(ARGV[3 * i - 1])
          local cost = tonumber(ARGV[3 * i])
          local tat = now
          local stored = redis.call('GET', key)
          if stored then tat = math.max(tonumber(stored), now) end
          local capacity = interval * burst
          local new_tat = tat + interval * cost
          local allow_at = new_tat - capacity
          local n = #reply
          if allow_at > now then
            admitted = false
            reply[n + 1] = 0
            reply[n + 2] = math.max(0, math.floor((capacity - (tat - now)) / interval))
            reply[n + 3] = tat - now
            reply[n + 4] = allow_at - now
          else
            reply[n + 1] = 1
            reply[n + 2] = math.floor((capacity - (new_tat - now)) / interval)
            reply[n + 3] = new_tat - now
            reply[n + 4] = 0
            if cost > 0 then writes[#writes + 1] = {key, new_tat} end
          end
        end
        if admitted then
          for _, write in ipairs(writes) do
            local ttl_ms = math.max(1, math.ceil((write[2] - now) / 1000))
            redis.call('SET', write[1], string.format('%.0f', write[2]), 'PX', ttl_ms)
          end
        end
        for i = budgets + 1, #KEYS do
          reply[#reply + 1] = redis.call('GET', KEYS[i])
        end
        return reply
        """)
}
