/// The generic cell rate algorithm on one key's theoretical arrival time (TAT).
///
/// The TAT is when the key's budget would be full again if nothing more were spent. A
/// request of `cost` moves it `cost` emission intervals later and is admitted if the new
/// TAT is at most `burst` intervals ahead of now. One integer per key is the whole state.
/// ``RedisGCRALimiter`` runs the same arithmetic in Lua; keep the two in step.
enum GCRA {
    struct Outcome {
        let decision: RateLimitDecision
        /// The TAT to store, or nil when nothing changes (refused, or cost 0).
        let newTAT: Int64?
    }

    /// All times in microseconds on one clock.
    static func evaluate(storedTAT: Int64?, now: Int64, rule: RateLimitRule, cost: Int) -> Outcome {
        precondition(cost >= 0, "a rate limit cost is not negative")
        let interval = rule.emissionIntervalMicroseconds
        let capacity = interval * Int64(rule.burst)
        let tat = max(storedTAT ?? now, now)
        let newTAT = tat + interval * Int64(cost)
        let allowAt = newTAT - capacity
        if allowAt > now {
            let remaining = max(0, (capacity - (tat - now)) / interval)
            let decision = RateLimitDecision(
                allowed: false, limit: rule.burst, remaining: Int(remaining),
                resetAfter: .microseconds(tat - now), retryAfter: .microseconds(allowAt - now))
            return Outcome(decision: decision, newTAT: nil)
        }
        let remaining = (capacity - (newTAT - now)) / interval
        let decision = RateLimitDecision(
            allowed: true, limit: rule.burst, remaining: Int(remaining),
            resetAfter: .microseconds(newTAT - now), retryAfter: nil)
        return Outcome(decision: decision, newTAT: cost > 0 ? newTAT : nil)
    }
}
