import Foundation
@testable import Storage
import TestSupport
import Testing

@Suite("From SQLite to PostgreSQL through the pg-plain export")
struct PostgresExportTests {
    /// Runs `psql -X -q -v ON_ERROR_STOP=1` with `arguments` against `url`.
    static func psql(_ url: String, _ arguments: [String]) async throws -> ToolProcess.Result {
        let psql = try await PostgresTools(directories: PostgresTools.defaultDirectories()).locate("psql", serverMajor: 0)
        return try await ToolProcess.run(psql.path, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url] + arguments)
    }

    @Test("psql loads the export into an empty database, which then holds the same sessions, entries, keys and search results",
          .enabled(if: TestServices.runPostgres))
    func migrationPath() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { source, sqlite in
            try await TestCorpus.ingestSample(into: sqlite)
            _ = try await sqlite.createKey(BackupStoreTests.key("carried"))
            // A parent stored after its child: the export must still load parents first.
            try await sqlite.database.write { connection in
                _ = try connection.query("UPDATE sessions SET parent_session_id = 'awkward' WHERE id = 'auth'")
            }
            let data = try await StorageSnapshot.data(sqlite)
            let searches = try await StorageSnapshot.searches(sqlite, exact: false)
            #expect(searches.filter { $0.hasSuffix(" matches") && !$0.hasSuffix(": 0 matches") }.count >= 6, "\(searches)")
            let export = try await sqlite.createBackup(type: .manual, format: .pgPlain, description: "to postgres")
            #expect(export.backend == .sqlite)
            #expect(export.format == .pgPlain)
            let file = URL(fileURLWithPath: source.backupDirectory).appendingPathComponent(export.fileName)
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains("COPY \"entries\" ("))
            #expect(!text.contains("\"search_vector\""))
            #expect(text.contains("SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('entries', 'id')"))

            let target = try await TestDatabase.make(.postgres)
            let loaded = try await Self.psql(target.location, ["-f", file.path])
            #expect(loaded.status == 0, "\(loaded.output)")
            let postgres = try target.openStorage()
            do {
                let status = try await postgres.migrationStatus()
                #expect(status.isCurrent)
                #expect(status.schemaVersion == export.schemaVersion)
                #expect(try await StorageSnapshot.data(postgres) == data)
                #expect(try await StorageSnapshot.searches(postgres, exact: false) == searches)
                // Identity sequences continue after the copied ids.
                _ = try await postgres.ingest([SessionBatch(sessionID: "on-postgres", entries: [
                    TestFixtures.entry("p1", "human_prompt", "the first session stored on PostgreSQL", seq: 0, branch: "moved"),
                ])])
                #expect(try await postgres.session(id: "on-postgres")?.entryCount == 1)
                #expect(try await postgres.session(id: "on-postgres")?.project?.path == "/work/shop")
            } catch {
                await postgres.close()
                await target.drop()
                throw error
            }
            await postgres.close()
            await target.drop()
        }
    }

    @Test("cci restore on PostgreSQL loads a SQLite export too, replacing what was there",
          .enabled(if: TestServices.runPostgres))
    func restoreExportIntoPostgres() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { source, sqlite in
            _ = try await sqlite.ingest(TestFixtures.searchCorpus)
            let data = try await StorageSnapshot.data(sqlite)
            let export = try await sqlite.createBackup(type: .manual, format: .pgPlain, description: nil)
            try await TestDatabase.withMigratedDatabase(.postgres) { target, postgres in
                _ = try await postgres.ingest([SessionBatch(sessionID: "replaced", entries: [
                    TestFixtures.entry("r1", "human_prompt", "this session is replaced", seq: 0),
                ])])
                for suffix in ["", ".json"] {
                    try FileManager.default.copyItem(
                        at: URL(fileURLWithPath: source.backupDirectory).appendingPathComponent(export.fileName + suffix),
                        to: URL(fileURLWithPath: target.backupDirectory).appendingPathComponent(export.fileName + suffix))
                }
                _ = try await postgres.restoreBackup(named: export.fileName)
                #expect(try await StorageSnapshot.data(postgres) == data)
            }
        }
    }

    @Test("a SQLite table that PostgreSQL does not have stops the export, and no file is left")
    func unknownTable() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { database, storage in
            try await storage.database.write { connection in
                try connection.executeScript("CREATE TABLE local_notes (id INTEGER PRIMARY KEY, note TEXT)")
            }
            await #expect(throws: BackupError.exportFailed("table local_notes has no counterpart in migrations/postgres")) {
                try await storage.createBackup(type: .manual, format: .pgPlain, description: nil)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: database.backupDirectory).isEmpty)
        }
    }

    @Test("a value PostgreSQL cannot take stops the export, naming the table and column")
    func unwritableValue() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { database, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            try await storage.database.write { connection in
                _ = try connection.query("UPDATE entries SET timestamp = 'yesterday' WHERE uuid = 'a2'")
            }
            do {
                _ = try await storage.createBackup(type: .manual, format: .pgPlain, description: nil)
                Issue.record("exported a timestamp PostgreSQL cannot read")
            } catch let error as BackupError {
                #expect(error.description.contains("entries.timestamp"), "\(error)")
                #expect(error.description.contains("is not a timestamp"))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: database.backupDirectory).isEmpty)
        }
    }

    @Test("tables are ordered so that referenced tables come first")
    func tableOrder() throws {
        func table(_ name: String, _ references: [String]) -> SQLiteTable {
            SQLiteTable(name: name, columns: ["id"], references: references.map { .init(column: "ref", table: $0, referencedColumn: "id") })
        }
        let ordered = try SQLiteTable.ordered([
            table("entries", ["sessions"]), table("sessions", ["projects", "sessions"]), table("api_keys", []),
            table("projects", []), table("outside", ["not_exported"]),
        ])
        #expect(ordered.map(\.name) == ["api_keys", "outside", "projects", "sessions", "entries"])
        #expect(throws: BackupError.self) { try SQLiteTable.ordered([table("a", ["b"]), table("b", ["a"])]) }
    }
}
