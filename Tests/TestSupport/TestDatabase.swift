import Foundation
import Storage

/// A fresh, empty database on either backend: a new SQLite file, or a new database on the
/// test PostgreSQL server. `drop()` removes it.
public struct TestDatabase: Sendable {
    public let backend: StorageBackend
    /// The SQLite file path, or the PostgreSQL URL of the new database.
    public let location: String
    /// Where this database's backups go unless a test names another folder: a fresh
    /// temporary folder per database, removed by `drop()`.
    public let backupDirectory: String
    private let cleanup: @Sendable () async -> Void

    /// The backends the suites run against: SQLite always, PostgreSQL when its server is
    /// available (always under scripts/test.sh, where a missing server fails the tests).
    public static var backends: [StorageBackend] {
        TestServices.runPostgres ? [.sqlite, .postgres] : [.sqlite]
    }

    public static func make(_ backend: StorageBackend) async throws -> TestDatabase {
        let backups = try TestPaths.temporaryDirectory("cci-backups")
        switch backend {
        case .sqlite:
            let folder = try TestPaths.temporaryDirectory("cci-sqlite")
            return TestDatabase(backend: .sqlite, location: folder.appendingPathComponent("test.db").path, backupDirectory: backups.path) {
                try? FileManager.default.removeItem(at: folder)
                try? FileManager.default.removeItem(at: backups)
            }
        case .postgres:
            let adminURL = try TestServices.requirePostgresURL()
            let name = "cci_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let admin = Database.postgres(url: adminURL, poolSize: 1)
            try await admin.read { connection in _ = try connection.query("CREATE DATABASE \(name)") }
            await admin.close()
            return TestDatabase(backend: .postgres, location: replacingDatabase(in: adminURL, with: name), backupDirectory: backups.path) {
                let admin = Database.postgres(url: adminURL, poolSize: 1)
                _ = try? await admin.read { connection in _ = try connection.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
                await admin.close()
                try? FileManager.default.removeItem(at: backups)
            }
        }
    }

    /// Opens storage on this database with the repository's migrations (not yet applied).
    public func openStorage(poolSize: Int = 4, migrationsDirectory: String? = nil, backupDirectory: String? = nil) throws -> SQLStorage {
        try StorageFactory.open(.init(
            backend: backend, sqlitePath: location, postgresURL: location, poolSize: poolSize,
            busyTimeout: .seconds(10), migrationsDirectory: migrationsDirectory ?? TestPaths.migrations.path,
            backupDirectory: backupDirectory ?? self.backupDirectory))
    }

    /// Environment variables that point a `cci` process at this database.
    public var environment: [String: String] {
        backend == .sqlite
            ? ["DATABASE_TYPE": "sqlite", "DATABASE_PATH": location, "DATABASE_BACKUP_PATH": backupDirectory]
            : ["DATABASE_TYPE": "postgres", "DATABASE_URL": location, "DATABASE_BACKUP_PATH": backupDirectory]
    }

    public func drop() async { await cleanup() }

    /// Runs `body` with migrated storage on a fresh database of `backend`; closes and drops
    /// it afterwards, whether `body` succeeds or throws.
    public static func withMigratedStorage(
        _ backend: StorageBackend, poolSize: Int = 4, _ body: (SQLStorage) async throws -> Void
    ) async throws {
        let database = try await make(backend)
        let storage = try database.openStorage(poolSize: poolSize)
        do {
            try await storage.migrate()
            try await body(storage)
        } catch {
            await storage.close()
            await database.drop()
            throw error
        }
        await storage.close()
        await database.drop()
    }

    /// Like ``withMigratedStorage(_:poolSize:_:)``, with the database too (its location and
    /// backup folder).
    public static func withMigratedDatabase(
        _ backend: StorageBackend, poolSize: Int = 4, _ body: (TestDatabase, SQLStorage) async throws -> Void
    ) async throws {
        let database = try await make(backend)
        let storage = try database.openStorage(poolSize: poolSize)
        do {
            try await storage.migrate()
            try await body(database, storage)
        } catch {
            await storage.close()
            await database.drop()
            throw error
        }
        await storage.close()
        await database.drop()
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards, range: url.range(of: "://")!.upperBound..<url.endIndex) else {
            return url + "/" + name
        }
        let query = url[slash.upperBound...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        return String(url[..<slash.upperBound]) + name + query
    }
}
