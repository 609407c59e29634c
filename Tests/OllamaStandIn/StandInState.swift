import Foundation

/// The stand-in's mutable state, shared by its request handlers and the test driving it.
final class StandInState: @unchecked Sendable {
    private let lock = NSLock()
    private var behaviour: StandInBehaviour
    private var installed: [StandInModel]
    private var received: [ReceivedRequest] = []

    init(models: [StandInModel], behaviour: StandInBehaviour) {
        installed = models
        self.behaviour = behaviour
    }

    private func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var currentBehaviour: StandInBehaviour { locked { behaviour } }

    func updateBehaviour(_ change: (inout StandInBehaviour) -> Void) {
        locked { change(&behaviour) }
    }

    var requests: [ReceivedRequest] { locked { received } }

    func record(_ request: ReceivedRequest) {
        locked { received.append(request) }
    }

    func clearRequests() {
        locked { received.removeAll() }
    }

    var models: [StandInModel] { locked { installed } }

    func model(named name: String) -> StandInModel? {
        locked { installed.first { $0.name == name || $0.name == name + ":latest" } }
    }

    func install(_ model: StandInModel) {
        locked {
            installed.removeAll { $0.name == model.name }
            installed.append(model)
        }
    }

    /// Uses up one scripted failure, if any remain. `/api/version` is exempt so health
    /// probes do not eat the failures a test scripted for real calls.
    func takeFailure(path: String) -> (status: Int, message: String)? {
        locked {
            guard path != "/api/version", behaviour.failNextRequests > 0 else { return nil }
            behaviour.failNextRequests -= 1
            return (behaviour.failureStatus, behaviour.failureMessage)
        }
    }
}
