import NIOConcurrencyHelpers

/// Lets one backup or restore run at a time in this process; another one meanwhile fails at
/// once with ``BackupError/busy`` rather than queueing behind a long dump.
final class BackupActivity: Sendable {
    private let running = NIOLockedValueBox(false)

    func exclusive<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let started = running.withLockedValue { running in
            if running { return false }
            running = true
            return true
        }
        guard started else { throw BackupError.busy }
        defer { running.withLockedValue { $0 = false } }
        return try await body()
    }
}
