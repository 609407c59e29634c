import Foundation
@testable import Storage
import TestSupport
import Testing

@Suite("Finding PostgreSQL's tools")
struct PostgresToolsTests {
    /// A folder with a fake `name` that reports `version`.
    static func fakeTool(_ name: String, version: String) throws -> URL {
        let folder = try TestPaths.temporaryDirectory("cci-fake-pg")
        let script = folder.appendingPathComponent(name)
        try "#!/bin/sh\necho '\(name) (PostgreSQL) \(version)'\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return folder
    }

    @Test("versions are read from --version and compared by major version")
    func versions() {
        #expect(PostgresTools.parseVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == "15.18")
        #expect(PostgresTools.parseVersion("psql (PostgreSQL) 9.6.24") == "9.6.24")
        #expect(PostgresTools.parseVersion("pg_dump 15") == nil)
        #expect(PostgresTools.major(ofVersion: "15.18") == 15)
        #expect(PostgresTools.major(ofVersion: "9.6.24") == 9)
        #expect(PostgresTools.major(ofServerVersionNumber: 150018) == 15)
        #expect(PostgresTools.major(ofServerVersionNumber: 170002) == 17)
    }

    @Test("a missing tool and a tool older than the server are clear errors; a newer one further on is found")
    func locate() async throws {
        let empty = try TestPaths.temporaryDirectory("cci-no-pg")
        defer { try? FileManager.default.removeItem(at: empty) }
        await #expect(throws: BackupError.toolsUnavailable(
            "pg_dump not found (searched PATH and /usr/lib/postgresql/*/bin); install the PostgreSQL 15 client tools")) {
            try await PostgresTools(directories: [empty.path]).locate("pg_dump", serverMajor: 15)
        }
        let old = try Self.fakeTool("pg_dump", version: "9.6.24")
        defer { try? FileManager.default.removeItem(at: old) }
        do {
            _ = try await PostgresTools(directories: [old.path]).locate("pg_dump", serverMajor: 15)
            Issue.record("an old pg_dump was accepted")
        } catch let error as BackupError {
            #expect(error.description.contains("pg_dump 9.6.24"))
            #expect(error.description.contains("is older than the PostgreSQL 15 server"))
            #expect(!error.publicMessage.contains(old.path))
        }
        let newer = try Self.fakeTool("pg_dump", version: "16.4")
        defer { try? FileManager.default.removeItem(at: newer) }
        let found = try await PostgresTools(directories: [empty.path, old.path, newer.path]).locate("pg_dump", serverMajor: 15)
        #expect(found == PostgresTools.Tool(name: "pg_dump", path: newer.appendingPathComponent("pg_dump").path, version: "16.4", major: 16))
    }

    @Test("the default search order is PATH, then Debian's versioned folders, newest first")
    func defaultOrder() {
        let directories = PostgresTools.defaultDirectories(path: "/a/bin:/b/bin")
        #expect(Array(directories.prefix(2)) == ["/a/bin", "/b/bin"])
        let debian = directories.dropFirst(2)
        #expect(debian.allSatisfy { $0.hasPrefix("/usr/lib/postgresql/") && $0.hasSuffix("/bin") })
        let versions = debian.compactMap { Int($0.split(separator: "/")[3]) }
        #expect(versions == versions.sorted(by: >))
    }

    @Test("a PostgreSQL backup without usable tools fails clearly and leaves no file", .enabled(if: TestServices.runPostgres))
    func backupWithoutTools() async throws {
        let database = try await TestDatabase.make(.postgres)
        let old = try Self.fakeTool("pg_dump", version: "9.6.24")
        defer { try? FileManager.default.removeItem(at: old) }
        let storage = SQLStorage(
            database: Database.postgres(url: database.location, poolSize: 2),
            migrations: try MigrationFile.load(from: TestPaths.migrations.path, backend: .postgres),
            backups: BackupSettings(directory: database.backupDirectory, migrationsDirectory: TestPaths.migrations.path,
                                    toolDirectories: [old.path]))
        do {
            try await storage.migrate()
            _ = try await storage.createBackup(type: .manual, format: nil, description: nil)
            Issue.record("a backup was taken with pg_dump 9.6")
        } catch let error as BackupError {
            guard case .toolsUnavailable = error else { Issue.record("\(error)"); throw error }
            #expect(error.description.contains("older than the PostgreSQL"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: database.backupDirectory).isEmpty)
        await storage.close()
        await database.drop()
    }
}
