import Foundation
import Storage
import TestSupport
import Testing

@Suite("Migrations on both backends")
struct MigrationTests {
    @Test("migrate applies every file once; a second run applies nothing", arguments: TestDatabase.backends)
    func appliesOnce(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let storage = try database.openStorage()
        let files = try MigrationFile.load(from: TestPaths.migrations.path, backend: backend)
        #expect(!files.isEmpty)

        let before = try await storage.migrationStatus()
        #expect(before.pending.map(\.version) == files.map(\.version))
        #expect(!before.isCurrent)

        let applied = try await storage.migrate()
        #expect(applied.map(\.version) == files.map(\.version))
        let again = try await storage.migrate()
        #expect(again.isEmpty)

        let after = try await storage.migrationStatus()
        #expect(after.isCurrent)
        #expect(after.applied.map(\.checksum) == files.map(\.checksum))
        #expect(after.schemaVersion == files.last?.version)
        await storage.close()
        await database.drop()
    }

    @Test("0008 carries the main-chain flags of stored entries into their own table", arguments: TestDatabase.backends)
    func mainChainEntriesMigration(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let folder = try TestPaths.temporaryDirectory("cci-migrations")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dialect = folder.appendingPathComponent(backend.rawValue)
        try FileManager.default.createDirectory(at: dialect, withIntermediateDirectories: true)
        for file in try MigrationFile.load(from: TestPaths.migrations.path, backend: backend) where file.version < 8 {
            try file.sql.write(to: dialect.appendingPathComponent(file.fileName), atomically: true, encoding: .utf8)
        }
        let older = try database.openStorage(migrationsDirectory: folder.path)
        try await older.migrate()
        try await older.database.write { connection in
            try connection.query("INSERT INTO sessions (id, created_at, updated_at) VALUES ('s-1', $1, $1)", .text("2026-01-01T00:00:00Z"))
            for (uuid, flag) in [("on", "TRUE"), ("off", "FALSE")] {
                try connection.query(
                    "INSERT INTO entries (session_id, seq, uuid, type, kind, is_main_chain, raw) VALUES ('s-1', 1, $1, 'user', 'human_prompt', \(flag), '{}')",
                    .text(uuid))
            }
        }
        await older.close()

        let storage = try database.openStorage()
        try await storage.migrate()
        let onChain = try await storage.entries(of: "s-1", matching: EntryFilter(), cursor: nil, limit: 10)
        #expect(onChain.items.map(\.uuid) == ["on"])
        let all = try await storage.entries(of: "s-1", matching: EntryFilter(mainChainOnly: false), cursor: nil, limit: 10)
        #expect(all.items.map { "\($0.uuid):\($0.isMainChain)" } == ["off:false", "on:true"])
        await storage.close()
        await database.drop()
    }

    @Test("an applied file edited on disk is refused, naming the file", arguments: TestDatabase.backends)
    func editedFileRefused(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let folder = try TestPaths.temporaryDirectory("cci-migrations")
        let dialect = folder.appendingPathComponent(backend.rawValue)
        try FileManager.default.createDirectory(at: dialect, withIntermediateDirectories: true)
        let first = dialect.appendingPathComponent("0001_widgets.sql")
        try "CREATE TABLE widgets (id INTEGER PRIMARY KEY);".write(to: first, atomically: true, encoding: .utf8)

        let storage = try database.openStorage(migrationsDirectory: folder.path)
        try await storage.migrate()
        await storage.close()

        try "CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT);".write(to: first, atomically: true, encoding: .utf8)
        try "CREATE TABLE gadgets (id INTEGER PRIMARY KEY);".write(
            to: dialect.appendingPathComponent("0002_gadgets.sql"), atomically: true, encoding: .utf8)
        let edited = try database.openStorage(migrationsDirectory: folder.path)
        let status = try await edited.migrationStatus()
        #expect(status.changed.map(\.fileName) == ["0001_widgets.sql"])
        #expect(!status.isCurrent)
        await #expect {
            try await edited.migrate()
        } throws: { error in
            "\(error)".contains("0001_widgets.sql") && "\(error)".contains("changed after it was applied")
        }
        // Nothing after the edited file was applied.
        #expect(try await edited.migrationStatus().pending.map(\.version) == [2])
        await edited.close()
        await database.drop()
    }

    @Test("a failing migration rolls back and leaves no record", arguments: TestDatabase.backends)
    func failingMigrationRollsBack(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let folder = try TestPaths.temporaryDirectory("cci-migrations")
        let dialect = folder.appendingPathComponent(backend.rawValue)
        try FileManager.default.createDirectory(at: dialect, withIntermediateDirectories: true)
        try "CREATE TABLE good (id INTEGER PRIMARY KEY);".write(
            to: dialect.appendingPathComponent("0001_good.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE half (id INTEGER PRIMARY KEY); THIS IS NOT SQL;".write(
            to: dialect.appendingPathComponent("0002_bad.sql"), atomically: true, encoding: .utf8)

        let storage = try database.openStorage(migrationsDirectory: folder.path)
        await #expect { try await storage.migrate() } throws: { "\($0)".contains("0002_bad.sql") }
        let status = try await storage.migrationStatus()
        #expect(status.applied.map(\.version) == [1])
        // The half-applied statement of the failed file was rolled back with it.
        await #expect(throws: StorageError.self) {
            try await storage.database.read { try $0.query("SELECT * FROM half") }
        }
        await storage.close()
        await database.drop()
    }

    @Test("badly named migration files are reported, not skipped")
    func badFileName() throws {
        let folder = try TestPaths.temporaryDirectory("cci-migrations")
        let dialect = folder.appendingPathComponent("sqlite")
        try FileManager.default.createDirectory(at: dialect, withIntermediateDirectories: true)
        try "SELECT 1;".write(to: dialect.appendingPathComponent("initial.sql"), atomically: true, encoding: .utf8)
        #expect { try MigrationFile.load(from: folder.path, backend: .sqlite) } throws: { "\($0)".contains("initial.sql") }
        #expect { try MigrationFile.load(from: "/nonexistent", backend: .sqlite) } throws: { "\($0)".contains("not found") }
    }

    @Test("concurrent migrators on PostgreSQL apply each file exactly once", .enabled(if: TestServices.runPostgres))
    func concurrentPostgresMigrators() async throws {
        let database = try await TestDatabase.make(.postgres)
        let storages = try (0..<4).map { _ in try database.openStorage(poolSize: 1) }
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for storage in storages { group.addTask { try await storage.migrate().count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let files = try MigrationFile.load(from: TestPaths.migrations.path, backend: .postgres)
        #expect(counts.reduce(0, +) == files.count)
        let rows = try await storages[0].database.read { try $0.query("SELECT count(*) AS n FROM schema_migrations") }
        #expect(rows.first?["n"].int == files.count)
        for storage in storages { await storage.close() }
        await database.drop()
    }
}
