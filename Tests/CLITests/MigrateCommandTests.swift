import Foundation
import Storage
import TestSupport
import Testing

@Suite("cci migrate")
struct MigrateCommandTests {
    @Test("three cci migrate processes at once on one fresh PostgreSQL database apply each file exactly once",
          .enabled(if: TestServices.runPostgres))
    func concurrentProcesses() async throws {
        let database = try await TestDatabase.make(.postgres)
        let children = try (0..<3).map { _ in try CLIProcess(["migrate"], environment: database.environment) }
        for child in children {
            let status = try await child.wait()
            #expect(status == 0, "stdout: \(child.standardOutput) stderr: \(child.standardError)")
        }
        let files = try MigrationFile.load(from: TestPaths.migrations.path, backend: .postgres)
        let appliedLines = children.flatMap { $0.standardOutput.split(separator: "\n").filter { $0.hasPrefix("applied ") } }
        #expect(appliedLines.count == files.count)
        let storage = try database.openStorage(poolSize: 1)
        let rows = try await storage.database.read { try $0.query("SELECT version, count(*) AS n FROM schema_migrations GROUP BY version") }
        #expect(rows.count == files.count)
        #expect(rows.allSatisfy { $0["n"].int == 1 })
        await storage.close()
        await database.drop()
    }

    @Test("a PostgreSQL database that is not UTF-8 gets a warning naming its encoding; a UTF-8 one none",
          .enabled(if: TestServices.runPostgres))
    func encodingWarning() async throws {
        let utf8 = try await TestDatabase.make(.postgres)
        let clean = try await CLIProcess.run(["migrate"], environment: utf8.environment)
        #expect(clean.status == 0)
        #expect(!clean.errors.contains("encoding"), "\(clean.errors)")
        await utf8.drop()

        let serverURL = try TestServices.requirePostgresURL()
        let name = "cci_test_ascii_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = Database.postgres(url: serverURL, poolSize: 1)
        try await admin.read { connection in
            _ = try connection.query(
                "CREATE DATABASE \(name) ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
        }
        let url = String(serverURL[..<serverURL.lastIndex(of: "/")!]) + "/" + name
        let warned = try await CLIProcess.run(["migrate"], environment: ["DATABASE_TYPE": "postgres", "DATABASE_URL": url])
        #expect(warned.status == 0, "\(warned.errors)")
        #expect(warned.errors.contains("encoding SQL_ASCII, not UTF8"), "\(warned.errors)")
        _ = try? await admin.read { connection in _ = try connection.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        await admin.close()
    }

    @Test("--status lists pending then applied files", arguments: TestDatabase.backends)
    func status(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let before = try await CLIProcess.run(["migrate", "--status"], environment: database.environment)
        #expect(before.status == 0, "\(before.errors)")
        #expect(before.output.contains("pending  0001_sessions.sql"))
        let migrate = try await CLIProcess.run(["migrate"], environment: database.environment)
        #expect(migrate.status == 0, "\(migrate.errors)")
        #expect(migrate.output.contains("applied 0001_sessions.sql"))
        let after = try await CLIProcess.run(["migrate", "--status"], environment: database.environment)
        #expect(after.output.contains("applied  0001_sessions.sql"))
        #expect(after.output.contains("0 pending"))
        await database.drop()
    }

    @Test("an edited applied file stops cci migrate with a message naming it", arguments: TestDatabase.backends)
    func editedFile(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let folder = try TestPaths.temporaryDirectory("cci-migrations")
        let dialect = folder.appendingPathComponent(backend.rawValue)
        try FileManager.default.createDirectory(at: dialect, withIntermediateDirectories: true)
        let file = dialect.appendingPathComponent("0001_things.sql")
        try "CREATE TABLE things (id INTEGER);".write(to: file, atomically: true, encoding: .utf8)
        let first = try await CLIProcess.run(["migrate", "--dir", folder.path], environment: database.environment)
        #expect(first.status == 0, "\(first.errors)")
        try "CREATE TABLE things (id INTEGER, extra TEXT);".write(to: file, atomically: true, encoding: .utf8)
        let second = try await CLIProcess.run(["migrate", "--dir", folder.path], environment: database.environment)
        #expect(second.status != 0)
        #expect(second.errors.contains("0001_things.sql was changed after it was applied"))
        await database.drop()
    }
}
