/// The circuit breaker's transitions, free of clocks and locks so they can be tested with
/// made-up instants.
///
/// - closed: counts consecutive failures; at `threshold` it opens until `now + coolDown`.
/// - open: refuses calls until the cool-down has passed, then admits one trial (half-open).
/// - half-open: refuses other calls while the trial runs; the trial's success closes the
///   circuit, its failure opens it for another cool-down.
struct CircuitBreakerStateMachine: Sendable {
    typealias Instant = ContinuousClock.Instant

    enum State: Sendable, Equatable {
        case closed(consecutiveFailures: Int)
        case open(until: Instant)
        case halfOpen(trialInFlight: Bool)
    }

    /// What a caller may do.
    enum Admission: Sendable, Equatable {
        case proceed
        case reject(retryAfter: Duration)
    }

    let threshold: Int
    let coolDown: Duration
    private(set) var state: State = .closed(consecutiveFailures: 0)

    /// - Parameter threshold: consecutive failures that open the circuit; at least 1.
    init(threshold: Int, coolDown: Duration) {
        self.threshold = max(1, threshold)
        self.coolDown = coolDown
    }

    /// Asks to make a call at `now`. A `.proceed` must be followed by exactly one of
    /// `recordSuccess`, `recordFailure` or `recordAbandoned`.
    mutating func admit(now: Instant) -> Admission {
        switch state {
        case .closed:
            return .proceed
        case .open(let until):
            guard now >= until else { return .reject(retryAfter: until - now) }
            state = .halfOpen(trialInFlight: true)
            return .proceed
        case .halfOpen(let trialInFlight):
            // Another caller is the trial; wait for its verdict rather than pile on.
            if trialInFlight { return .reject(retryAfter: .zero) }
            state = .halfOpen(trialInFlight: true)
            return .proceed
        }
    }

    mutating func recordSuccess() {
        state = .closed(consecutiveFailures: 0)
    }

    mutating func recordFailure(now: Instant) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= threshold ? .open(until: now + coolDown) : .closed(consecutiveFailures: failures + 1)
        case .halfOpen:
            state = .open(until: now + coolDown)
        case .open:
            // A call admitted before the circuit opened has failed too; the cool-down stands.
            break
        }
    }

    /// The call ended without a verdict (cancelled): a half-open trial slot is freed.
    mutating func recordAbandoned() {
        if case .halfOpen = state { state = .halfOpen(trialInFlight: false) }
    }

    /// The state as reported: an open circuit whose cool-down has passed shows as half-open,
    /// since the next call will be the trial.
    func publicState(now: Instant) -> CircuitState {
        switch state {
        case .closed: return .closed
        case .open(let until): return now >= until ? .halfOpen : .open
        case .halfOpen: return .halfOpen
        }
    }
}
