@testable import API
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Storage
import Testing

@Suite("Automatic backup scheduling")
struct BackupSchedulerTests {
    /// A backup store that only answers the schedule, recording what happened.
    final class ScriptedStore: BackupStore {
        let events = NIOLockedValueBox<[String]>([])
        let failFirst: Bool
        let backupTime: Duration

        init(failFirst: Bool = false, backupTime: Duration = .zero) {
            self.failFirst = failFirst
            self.backupTime = backupTime
        }

        func takeAutomaticBackupIfDue(interval: Duration, keep: Int, now: Date) async throws -> AutomaticBackupOutcome {
            let call = events.withLockedValue { events in
                events.append("check")
                return events.filter { $0 == "check" }.count
            }
            if failFirst && call == 1 { throw BackupError.toolsUnavailable("no pg_dump") }
            try await Task.sleep(for: backupTime)
            events.withLockedValue { $0.append("backup finished") }
            let manifest = BackupManifest(fileName: "cci-\(call).dump", size: 1, sha256: "", createdAt: "", type: .automatic,
                                          description: nil, backend: .postgres, format: .pgCustom, schemaVersion: 4)
            return .taken(manifest, pruned: [])
        }

        func createBackup(type: BackupType, format: BackupFormat?, description: String?) async throws -> BackupManifest {
            throw BackupError.busy
        }
        func backups() async throws -> [BackupManifest] { [] }
        func restoreBackup(named name: String) async throws -> RestoreOutcome { throw BackupError.notFound(name) }
        func deleteBackup(named name: String) async throws -> Bool { false }
    }

    /// Stands for the service that closes the storage: records when it is told to stop.
    struct Closer: Service {
        let events: NIOLockedValueBox<[String]>
        func run() async throws {
            try? await gracefulShutdown()
            events.withLockedValue { $0.append("storage closed") }
        }
    }

    final class Lines: @unchecked Sendable {
        let lines = NIOLockedValueBox<[String]>([])
    }

    @Test("a failed automatic backup is logged and tried again at the next check")
    func retries() async throws {
        let store = ScriptedStore(failFirst: true)
        let logs = Lines()
        let logger = Logger(label: "test") { label in
            JSONLogHandler(label: label, level: .info, output: LogOutput { line in logs.lines.withLockedValue { $0.append(line) } })
        }
        let scheduler = BackupScheduler(store: store, interval: .seconds(3600), keep: 3, logger: logger)
        #expect(scheduler.checkEvery == .seconds(60))
        await scheduler.check()
        await scheduler.check()
        let lines = logs.lines.withLockedValue { $0 }
        #expect(lines.count == 2)
        #expect(lines[0].contains("automatic backup failed") && lines[0].contains("no pg_dump"))
        #expect(lines[1].contains("automatic backup taken") && lines[1].contains("cci-2.dump"))
    }

    @Test("on shutdown a backup in progress finishes before the storage closes")
    func finishesBeforeClosing() async throws {
        let store = ScriptedStore(backupTime: .seconds(1))
        var scheduler = BackupScheduler(store: store, interval: .seconds(1), keep: 3, logger: Logger(label: "test"))
        scheduler.checkEvery = .milliseconds(10)
        // The order buildApplication registers them in: the closer first, the scheduler after it.
        let group = ServiceGroup(configuration: .init(services: [Closer(events: store.events), scheduler], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        // Shut down while a backup is in progress.
        while !store.events.withLockedValue({ $0.filter { $0 == "check" }.count > $0.filter { $0 == "backup finished" }.count }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        store.events.withLockedValue { $0.append("shutdown") }
        await group.triggerGracefulShutdown()
        try await running.value
        let events = store.events.withLockedValue { $0 }
        #expect(events.last == "storage closed", "\(events)")
        #expect(events.filter { $0 == "check" }.count == events.filter { $0 == "backup finished" }.count, "\(events)")
        #expect(events.firstIndex(of: "shutdown")! < events.lastIndex(of: "backup finished")!, "\(events)")
    }

    @Test("an operation started for a request runs to its end when the request is cancelled")
    func notCancelled() async throws {
        let finished = NIOLockedValueBox(false)
        let request = Task {
            try await runToCompletion {
                try await Task.sleep(for: .milliseconds(200))
                finished.withLockedValue { $0 = true }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        request.cancel()
        try await request.value
        #expect(finished.withLockedValue { $0 })
    }
}
