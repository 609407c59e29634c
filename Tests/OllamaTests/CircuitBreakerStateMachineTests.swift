@testable import Ollama
import Testing

@Suite("Circuit breaker transitions")
struct CircuitBreakerStateMachineTests {
    private let start = ContinuousClock.now

    @Test("consecutive failures open it; a success in between resets the count")
    func opensAtThreshold() {
        var machine = CircuitBreakerStateMachine(threshold: 3, coolDown: .seconds(10))
        for _ in 0..<2 {
            #expect(machine.admit(now: start) == .proceed)
            machine.recordFailure(now: start)
        }
        machine.recordSuccess()
        for _ in 0..<2 { machine.recordFailure(now: start) }
        #expect(machine.publicState(now: start) == .closed)
        machine.recordFailure(now: start)
        #expect(machine.publicState(now: start) == .open)
        #expect(machine.admit(now: start + .seconds(4)) == .reject(retryAfter: .seconds(6)))
    }

    @Test("after the cool-down exactly one trial goes through")
    func halfOpenAdmitsOneTrial() {
        var machine = CircuitBreakerStateMachine(threshold: 1, coolDown: .seconds(10))
        machine.recordFailure(now: start)
        let later = start + .seconds(10)
        #expect(machine.publicState(now: later) == .halfOpen)
        #expect(machine.admit(now: later) == .proceed)
        #expect(machine.admit(now: later) == .reject(retryAfter: .zero))
        machine.recordSuccess()
        #expect(machine.publicState(now: later) == .closed)
        #expect(machine.admit(now: later) == .proceed)
    }

    @Test("a failed trial opens it for another cool-down; an abandoned one frees the slot")
    func trialOutcomes() {
        var machine = CircuitBreakerStateMachine(threshold: 1, coolDown: .seconds(10))
        machine.recordFailure(now: start)
        let later = start + .seconds(11)
        #expect(machine.admit(now: later) == .proceed)
        machine.recordFailure(now: later)
        #expect(machine.admit(now: later + .seconds(9)) == .reject(retryAfter: .seconds(1)))
        let muchLater = later + .seconds(10)
        #expect(machine.admit(now: muchLater) == .proceed)
        machine.recordAbandoned()
        #expect(machine.admit(now: muchLater) == .proceed)
    }

    @Test("late failures of calls admitted before it opened do not extend the cool-down")
    func lateFailures() {
        var machine = CircuitBreakerStateMachine(threshold: 1, coolDown: .seconds(10))
        machine.recordFailure(now: start)
        machine.recordFailure(now: start + .seconds(5))
        #expect(machine.publicState(now: start + .seconds(10)) == .halfOpen)
    }
}
