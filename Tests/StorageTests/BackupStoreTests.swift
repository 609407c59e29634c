import Foundation
import NIOConcurrencyHelpers
@testable import Storage
import TestSupport
import Testing

@Suite("Backups and restores on both backends")
struct BackupStoreTests {
    static func key(_ id: String) -> NewAPIKey {
        NewAPIKey(id: id, name: id, hash: "hash-\(id)", prefix: "cci_\(id)", permissions: ["admin"], rateLimit: nil, expiresAt: nil)
    }

    /// The drill: store the whole corpus, back up, change and delete data, restore, and find
    /// everything as it was. One backend after the other: parsing the corpus keeps a thread
    /// busy, and the other tests share the few there are.
    @Test("a restore brings back exactly the data of the backup", .serialized, arguments: TestDatabase.backends)
    func drill(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            try await TestCorpus.ingestAll(into: storage)
            _ = try await storage.createKey(Self.key("kept"))
            let data = try await StorageSnapshot.data(storage)
            let searches = try await StorageSnapshot.searches(storage, exact: true)
            #expect(data.count > 200)

            let manifest = try await storage.createBackup(type: .manual, format: nil, description: "before the drill")
            #expect(manifest.format == (backend == .sqlite ? .sqlite : .pgCustom))
            #expect(manifest.type == .manual)
            #expect(manifest.description == "before the drill")
            #expect(manifest.backend == backend)
            #expect(manifest.schemaVersion == (try await storage.migrationStatus()).schemaVersion)

            // Change everything a client can change.
            let sessions = try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 1000)
            for session in sessions.items.prefix(4) { _ = try await storage.deleteSession(id: session.id) }
            _ = try await storage.ingest([SessionBatch(sessionID: "after-backup", entries: [
                TestFixtures.entry("x1", "human_prompt", "written after the backup about invoices", seq: 0),
            ])])
            _ = try await storage.revokeKey(id: "kept")
            _ = try await storage.createKey(Self.key("later"))
            #expect(try await StorageSnapshot.data(storage) != data)

            let outcome = try await storage.restoreBackup(named: manifest.fileName)
            #expect(outcome.manifest == manifest)
            #expect(outcome.migrationsApplied.isEmpty)
            #expect(try await StorageSnapshot.data(storage) == data)
            #expect(try await StorageSnapshot.searches(storage, exact: true) == searches)
            #expect(try await storage.migrationStatus().isCurrent)

            // The restored database keeps working: ids continue past the restored rows.
            _ = try await storage.ingest([SessionBatch(sessionID: "after-restore", entries: [
                TestFixtures.entry("y1", "human_prompt", "a new session after the restore", seq: 0),
            ])])
            #expect(try await storage.session(id: "after-restore")?.entryCount == 1)
        }
    }

    @Test("a backup is listed with a manifest whose checksum and size are the file's", arguments: TestDatabase.backends)
    func manifestAndListing(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedDatabase(backend) { database, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let first = try await storage.createBackup(type: .manual, format: nil, description: nil)
            let second = try await storage.createBackup(type: .manual, format: .pgPlain, description: "plain")
            #expect(try await storage.backups() == [second, first])

            let folder = URL(fileURLWithPath: database.backupDirectory)
            for manifest in [first, second] {
                let file = folder.appendingPathComponent(manifest.fileName)
                let (sha256, size) = try BackupFolder.checksum(of: file)
                #expect(manifest.size == size)
                #expect(manifest.sha256 == sha256)
                #expect(manifest.sha256.count == 64)
                #expect(manifest.fileName.hasPrefix("cci-"))
                let sidecar = try JSONSerialization.jsonObject(
                    with: Data(contentsOf: folder.appendingPathComponent(manifest.fileName + ".json"))) as? [String: Any]
                var expectedKeys: Set = ["file_name", "size", "sha256", "created_at", "type", "backend", "format", "schema_version"]
                if manifest.description != nil { expectedKeys.insert("description") }
                #expect(Set(sidecar?.keys.map { $0 } ?? []) == expectedKeys)
                #expect(sidecar?["sha256"] as? String == manifest.sha256)
                #expect(sidecar?["backend"] as? String == backend.rawValue)
            }
            // Nothing half-written is left beside them.
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(Set(names) == Set([first, second].flatMap { [$0.fileName, $0.fileName + ".json"] }))

            #expect(try await storage.deleteBackup(named: first.fileName))
            #expect(try await !storage.deleteBackup(named: first.fileName))
            #expect(try await storage.backups() == [second])
        }
    }

    @Test("a backup that does not match its checksum is refused and the data stays as it is",
          arguments: TestDatabase.backends)
    func checksumMismatch(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedDatabase(backend) { database, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let manifest = try await storage.createBackup(type: .manual, format: nil, description: nil)
            _ = try await storage.deleteSession(id: "auth")
            let current = try await StorageSnapshot.data(storage)

            let file = URL(fileURLWithPath: database.backupDirectory).appendingPathComponent(manifest.fileName)
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count / 2] ^= 0xff
            try bytes.write(to: file)
            let actual = try BackupFolder.checksum(of: file).sha256
            await #expect(throws: BackupError.checksumMismatch(name: manifest.fileName, expected: manifest.sha256, actual: actual)) {
                try await storage.restoreBackup(named: manifest.fileName)
            }
            #expect(try await StorageSnapshot.data(storage) == current)
            #expect(try await storage.session(id: "auth") == nil)
        }
    }

    @Test("names that leave the folder, unknown names and backups of another kind are refused",
          arguments: TestDatabase.backends)
    func refusals(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            for name in ["../secrets.db", "/etc/passwd", "a/b.sqlite3", "..", "x..y", "", ".hidden", "a\\b", "naïve.db"] {
                await #expect(throws: BackupError.self, "\(name)") { try await storage.restoreBackup(named: name) }
                do {
                    _ = try await storage.restoreBackup(named: name)
                } catch let error as BackupError {
                    guard case .invalidName = error else { Issue.record("\(name): \(error)"); continue }
                }
            }
            await #expect(throws: BackupError.notFound("cci-nothing.sqlite3")) {
                try await storage.restoreBackup(named: "cci-nothing.sqlite3")
            }
            // A file without its manifest is neither listed nor restored.
            let backup = try await storage.createBackup(type: .manual, format: nil, description: nil)
            let folder = URL(fileURLWithPath: storage.backupSettings.directory)
            try FileManager.default.copyItem(at: folder.appendingPathComponent(backup.fileName),
                                             to: folder.appendingPathComponent("copied-by-hand.db"))
            #expect(try await storage.backups() == [backup])
            await #expect(throws: BackupError.notFound("copied-by-hand.db")) {
                try await storage.restoreBackup(named: "copied-by-hand.db")
            }
            // The manifest itself is not a backup.
            await #expect(throws: BackupError.notFound(backup.fileName + ".json")) {
                try await storage.restoreBackup(named: backup.fileName + ".json")
            }
            // A format the backend does not write.
            let foreign: BackupFormat = backend == .sqlite ? .pgCustom : .sqlite
            await #expect(throws: BackupError.self) { try await storage.createBackup(type: .manual, format: foreign, description: nil) }
            if backend == .sqlite {
                // The PostgreSQL export of a SQLite database is for PostgreSQL only.
                let export = try await storage.createBackup(type: .manual, format: .pgPlain, description: nil)
                do {
                    _ = try await storage.restoreBackup(named: export.fileName)
                    Issue.record("a pg-plain export was restored into SQLite")
                } catch let error as BackupError {
                    guard case .incompatible = error else { Issue.record("\(error)"); return }
                }
            }
        }
    }
}

@Suite("Backup edge cases")
struct BackupEdgeCaseTests {
    @Test("one backup or restore at a time: another one meanwhile is refused as busy", arguments: TestDatabase.backends)
    func busy(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let manifest = try await storage.createBackup(type: .manual, format: nil, description: nil)
            try await storage.backupActivity.exclusive {
                await #expect(throws: BackupError.busy) { try await storage.createBackup(type: .manual, format: nil, description: nil) }
                await #expect(throws: BackupError.busy) { try await storage.restoreBackup(named: manifest.fileName) }
            }
            _ = try await storage.restoreBackup(named: manifest.fileName)
        }
    }

    @Test("a PostgreSQL restore that fails part way changes nothing; a successful one also removes tables the backup lacks",
          .enabled(if: TestServices.runPostgres))
    func postgresAllOrNothing() async throws {
        try await TestDatabase.withMigratedDatabase(.postgres) { database, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let good = try await storage.createBackup(type: .manual, format: .pgPlain, description: nil)
            _ = try await storage.deleteSession(id: "auth")
            try await storage.database.write { connection in
                try connection.executeScript("CREATE TABLE stray (id int); INSERT INTO stray VALUES (1)")
            }
            let current = try await StorageSnapshot.data(storage)

            // A dump that fails in its middle, with a manifest that matches it.
            let folder = URL(fileURLWithPath: database.backupDirectory)
            let broken = good.fileName.replacingOccurrences(of: ".sql", with: "-broken.sql")
            var text = try String(contentsOf: folder.appendingPathComponent(good.fileName), encoding: .utf8)
            let copy = try #require(text.range(of: "COPY public.entries"))
            text.insert(contentsOf: "SELECT 1 / 0;\n", at: copy.lowerBound)
            try text.write(to: folder.appendingPathComponent(broken), atomically: true, encoding: .utf8)
            var manifest = good
            manifest.fileName = broken
            (manifest.sha256, manifest.size) = try BackupFolder.checksum(of: folder.appendingPathComponent(broken))
            try JSONEncoder().encode(manifest).write(to: folder.appendingPathComponent(broken + ".json"))
            do {
                _ = try await storage.restoreBackup(named: broken)
                Issue.record("a failing dump was restored")
            } catch let error as BackupError {
                guard case .toolFailed(let tool, _, let output) = error else { Issue.record("\(error)"); return }
                #expect(tool == "psql")
                #expect(output.contains("division by zero"))
            }
            #expect(try await StorageSnapshot.data(storage) == current)

            _ = try await storage.restoreBackup(named: good.fileName)
            #expect(try await storage.session(id: "auth") != nil)
            let stray = try await storage.database.read { connection in
                try connection.query("SELECT to_regclass('stray') IS NOT NULL AS present")[0]["present"].bool
            }
            #expect(stray == false)
        }
    }

    @Test("during a PostgreSQL restore readers see the old data or the new, never a mixture or an empty database",
          .enabled(if: TestServices.runPostgres))
    func postgresAtomicForReaders() async throws {
        try await TestDatabase.withMigratedStorage(.postgres, poolSize: 4) { storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let backup = try await storage.createBackup(type: .manual, format: nil, description: nil)
            let old = try await SQLiteOnlineBackupTests.counts(storage)
            try await TestCorpus.ingestSample(into: storage)
            let new = try await SQLiteOnlineBackupTests.counts(storage)
            #expect(old != new)

            let seen = try await CountingReaders.observe(storage) {
                _ = try await storage.restoreBackup(named: backup.fileName)
            }
            #expect(seen == [new, old], "\(seen)")
        }
    }

    @Test("a backup from an older schema is migrated forward after the restore; one from a newer schema is refused",
          arguments: TestDatabase.backends)
    func schemaVersions(backend: StorageBackend) async throws {
        // An older release: the same migrations without the last file.
        let older = try TestPaths.temporaryDirectory("cci-older-migrations")
        defer { try? FileManager.default.removeItem(at: older) }
        let all = try MigrationFile.load(from: TestPaths.migrations.path, backend: backend)
        let latest = try #require(all.last)
        try FileManager.default.createDirectory(at: older.appendingPathComponent(backend.rawValue), withIntermediateDirectories: true)
        for file in all.dropLast() {
            try file.sql.write(to: older.appendingPathComponent(backend.rawValue).appendingPathComponent(file.fileName),
                               atomically: true, encoding: .utf8)
        }
        let database = try await TestDatabase.make(backend)
        let old = try database.openStorage(migrationsDirectory: older.path)
        try await old.migrate()
        // Written as that release would: this one's code may need the schema's newest tables.
        try await old.database.write { connection in
            try connection.query("INSERT INTO sessions (id, created_at, updated_at) VALUES ('auth', $1, $1)", .text("2026-01-01T00:00:00Z"))
        }
        let backup = try await old.createBackup(type: .manual, format: nil, description: nil)
        #expect(backup.schemaVersion == latest.version - 1)
        await old.close()

        let current = try database.openStorage()
        try await current.migrate()
        let outcome = try await current.restoreBackup(named: backup.fileName)
        #expect(outcome.migrationsApplied == [latest.fileName])
        #expect(try await current.migrationStatus().isCurrent)
        #expect(try await current.session(id: "auth") != nil)

        // A manifest that claims a schema this version does not know.
        let folder = URL(fileURLWithPath: database.backupDirectory)
        var newer = backup
        newer.schemaVersion = latest.version + 1
        try JSONEncoder().encode(newer).write(to: folder.appendingPathComponent(backup.fileName + ".json"))
        do {
            _ = try await current.restoreBackup(named: backup.fileName)
            Issue.record("a backup from a newer schema was restored")
        } catch let error as BackupError {
            #expect(error.description.contains("newer than this version of cci knows"), "\(error)")
        }
        await current.close()
        await database.drop()
    }
}
