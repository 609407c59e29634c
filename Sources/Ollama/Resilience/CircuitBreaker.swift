import Logging

/// Stops calling Ollama for a while after repeated failures, so a down or overloaded server
/// costs callers a fast error instead of a timeout each. Thread-safe.
final class CircuitBreaker: Sendable {
    private let machine: LockedValue<CircuitBreakerStateMachine>
    private let logger: Logger

    init(threshold: Int, coolDown: Duration, logger: Logger) {
        machine = LockedValue(CircuitBreakerStateMachine(threshold: threshold, coolDown: coolDown))
        self.logger = logger
    }

    var state: CircuitState {
        let now = ContinuousClock.now
        return machine.withLock { $0.publicState(now: now) }
    }

    /// Admits a call or throws ``OllamaError/circuitOpen(retryAfter:)``.
    func admit() throws(OllamaError) {
        let now = ContinuousClock.now
        let admission = machine.withLock { $0.admit(now: now) }
        if case .reject(let retryAfter) = admission { throw .circuitOpen(retryAfter: retryAfter) }
    }

    /// Records how an admitted call ended: `nil` for success.
    func record(_ error: OllamaError?) {
        let now = ContinuousClock.now
        let (before, after) = machine.withLock { machine -> (CircuitState, CircuitState) in
            let before = machine.publicState(now: now)
            switch error {
            case .none: machine.recordSuccess()
            case .some(.cancelled): machine.recordAbandoned()
            case .some(let error) where error.countsAgainstCircuit: machine.recordFailure(now: now)
            // Ollama answered (a 4xx, an error line): it is up, whatever the request's fate.
            case .some: machine.recordSuccess()
            }
            return (before, machine.publicState(now: now))
        }
        if before != after {
            let cause = error.map { "\($0)" } ?? "success"
            logger.warning("Ollama circuit \(after)", metadata: ["previous": "\(before)", "cause": "\(cause)"])
        }
    }
}
