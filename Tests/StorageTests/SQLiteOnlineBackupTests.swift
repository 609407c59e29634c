import Foundation
import NIOConcurrencyHelpers
@testable import Storage
import TestSupport
import Testing

@Suite("SQLite backups while the service works")
struct SQLiteOnlineBackupTests {
    /// Sessions and entries, counted in one statement (one snapshot).
    static func counts(_ storage: SQLStorage) async throws -> [Int] {
        try await storage.database.read { connection in
            let row = try connection.query("SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM entries) AS e")[0]
            return [row["s"].int ?? -1, row["e"].int ?? -1]
        }
    }

    @Test("backups taken while writes go on are consistent copies that pass integrity_check")
    func backupDuringWrites() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { database, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let stop = NIOLockedValueBox(false)
            let progress = NIOLockedValueBox(0)
            let writer = Task {
                var written = 0
                while !stop.withLockedValue({ $0 }) {
                    _ = try await storage.ingest([SessionBatch(sessionID: "w\(written)", entries: [
                        TestFixtures.entry("w\(written)-1", "human_prompt", "write \(written)", seq: 0),
                        TestFixtures.entry("w\(written)-2", "assistant_text", "reply \(written)", seq: 1),
                    ])])
                    written += 1
                    progress.withLockedValue { $0 = written }
                }
                return written
            }
            var manifests: [BackupManifest] = []
            for _ in 0..<4 {
                // Let the writer get ahead of the last backup (however loaded the machine is).
                let before = progress.withLockedValue { $0 }
                while progress.withLockedValue({ $0 }) < before + 2 { try await Task.sleep(for: .milliseconds(5)) }
                manifests.append(try await storage.createBackup(type: .manual, format: nil, description: nil))
            }
            stop.withLockedValue { $0 = true }
            let written = try await writer.value
            #expect(written > 0)

            var writesSeen: [Int] = []
            for manifest in manifests {
                let file = URL(fileURLWithPath: database.backupDirectory).appendingPathComponent(manifest.fileName)
                #expect(try await SQLiteBackups.verify(file) == manifest.schemaVersion)
                let copy = try SQLiteConnection(path: file.path, readOnly: true, busyTimeoutMilliseconds: 100)
                defer { copy.close() }
                // Every write is one transaction of a session and two entries: a copy holds whole ones.
                let row = try copy.query("""
                    SELECT (SELECT count(*) FROM sessions WHERE id LIKE 'w%') AS sessions,
                           (SELECT count(*) FROM entries WHERE session_id LIKE 'w%') AS entries,
                           (SELECT count(*) FROM sessions WHERE id LIKE 'w%' AND entry_count <> 2) AS partial
                    """, [])[0]
                #expect(row["entries"].int == 2 * (row["sessions"].int ?? 0))
                #expect(row["partial"].int == 0)
                writesSeen.append(row["sessions"].int ?? 0)
            }
            // The writer kept going across the backups, and each copy is a later snapshot.
            #expect(writesSeen == writesSeen.sorted())
            #expect(Set(writesSeen).count == manifests.count, "\(writesSeen)")
        }
    }

    @Test("during a restore readers see the old data or the new, never a mixture, and writers wait")
    func atomicForReaders() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { _, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let backup = try await storage.createBackup(type: .manual, format: nil, description: nil)
            let old = try await Self.counts(storage)
            try await TestCorpus.ingestSample(into: storage)
            let new = try await Self.counts(storage)
            #expect(old != new)

            let seen = try await CountingReaders.observe(storage) {
                let restore = Task { try await storage.restoreBackup(named: backup.fileName) }
                // A write that arrives during the restore waits for it, then lands on the restored data.
                let write = Task {
                    try await storage.ingest([SessionBatch(sessionID: "during", entries: [
                        TestFixtures.entry("d1", "human_prompt", "sent during the restore", seq: 0),
                    ])])
                }
                _ = try await restore.value
                _ = try await write.value
            }
            let afterWrite = try await Self.counts(storage)
            // The write may also land just before the restore (and be replaced by it).
            let allowed: Set = [old, new, new.map { $0 + 1 }, afterWrite]
            #expect(seen.isSubset(of: allowed), "\(seen) beyond \(allowed)")
            #expect(seen.contains(new))
            #expect(try await storage.session(id: "during") != nil || afterWrite == old)
        }
    }

    @Test("a damaged backup with a matching checksum fails integrity_check and nothing changes")
    func damagedCopy() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { database, storage in
            try await TestCorpus.ingestSample(into: storage)
            let manifest = try await storage.createBackup(type: .manual, format: nil, description: nil)
            _ = try await storage.deleteSession(id: "auth")
            let current = try await StorageSnapshot.data(storage)

            // Damage b-tree pages, then make the manifest agree with the damaged file.
            let folder = URL(fileURLWithPath: database.backupDirectory)
            let file = folder.appendingPathComponent(manifest.fileName)
            var bytes = try Data(contentsOf: file)
            for page in stride(from: 1, to: bytes.count / 4096, by: 2) {
                for offset in 0..<16 { bytes[page * 4096 + offset] = 0xA5 }
            }
            try bytes.write(to: file)
            var damaged = manifest
            (damaged.sha256, damaged.size) = try BackupFolder.checksum(of: file)
            try JSONEncoder().encode(damaged).write(to: folder.appendingPathComponent(manifest.fileName + ".json"))

            do {
                _ = try await storage.restoreBackup(named: manifest.fileName)
                Issue.record("a damaged backup was restored")
            } catch let error as BackupError {
                guard case .verificationFailed = error else { Issue.record("\(error)"); return }
            }
            #expect(try await StorageSnapshot.data(storage) == current)
        }
    }
}
