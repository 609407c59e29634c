import Foundation
import NIOConcurrencyHelpers
import Storage
import TestSupport
import Testing

@Suite("Automatic backups on a shared schedule")
struct AutomaticBackupTests {
    static let day: Duration = .seconds(86_400)

    @Test("the first check starts the schedule; a backup is due one interval after the last; old automatic ones are pruned, manual ones kept",
          arguments: TestDatabase.backends)
    func schedule(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let manual = try await storage.createBackup(type: .manual, format: nil, description: "kept by hand")
            let start = Date()
            #expect(try await storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 2, now: start)
                == .scheduleStarted(nextDue: start.addingTimeInterval(86_400)))
            let almost = start.addingTimeInterval(86_399)
            guard case .notDue = try await storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 2, now: almost) else {
                Issue.record("due before the interval passed")
                return
            }
            var taken: [BackupManifest] = []
            for day in 1...4 {
                let now = start.addingTimeInterval(Double(day) * 86_400)
                guard case .taken(let manifest, let pruned) = try await storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 2, now: now)
                else {
                    Issue.record("no backup on day \(day)")
                    return
                }
                #expect(manifest.type == .automatic)
                #expect(pruned == (day > 2 ? [taken[day - 3].fileName] : []))
                taken.append(manifest)
                // Once taken, not due again until the next interval.
                guard case .notDue = try await storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 2, now: now) else {
                    Issue.record("due twice on day \(day)")
                    return
                }
            }
            let listed = try await storage.backups()
            #expect(listed.filter { $0.type == .automatic }.map(\.fileName) == [taken[3].fileName, taken[2].fileName])
            #expect(listed.contains(manual))
        }
    }

    @Test("replicas checking at once on one PostgreSQL database take exactly one backup",
          .enabled(if: TestServices.runPostgres))
    func oneReplicaTakesIt() async throws {
        let database = try await TestDatabase.make(.postgres)
        let replicas = try (0..<3).map { _ in try database.openStorage(poolSize: 2) }
        try await replicas[0].migrate()
        let start = Date()
        _ = try await replicas[0].takeAutomaticBackupIfDue(interval: Self.day, keep: 5, now: start)
        let due = start.addingTimeInterval(86_400)
        let outcomes = try await withThrowingTaskGroup(of: AutomaticBackupOutcome.self) { group in
            for replica in replicas {
                group.addTask { try await replica.takeAutomaticBackupIfDue(interval: Self.day, keep: 5, now: due) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let taken = outcomes.filter { if case .taken = $0 { return true } else { return false } }
        #expect(taken.count == 1, "\(outcomes)")
        #expect(try await replicas[1].backups().count == 1)
        for replica in replicas { await replica.close() }
        await database.drop()
    }

    @Test("two checks at once in one SQLite process take one backup")
    func oneCheckAtATime() async throws {
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            let start = Date()
            _ = try await storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 5, now: start)
            let due = start.addingTimeInterval(86_400)
            async let first = storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 5, now: due)
            async let second = storage.takeAutomaticBackupIfDue(interval: Self.day, keep: 5, now: due)
            let outcomes = try await [first, second]
            let taken = outcomes.filter { if case .taken = $0 { return true } else { return false } }
            #expect(taken.count == 1, "\(outcomes)")
            #expect(try await storage.backups().count == 1)
        }
    }
}
