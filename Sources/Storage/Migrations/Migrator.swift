import Foundation

/// Applies the numbered SQL files of one backend, forward only, each exactly once.
///
/// Every applied file is recorded in `schema_migrations` with its checksum. A file that was
/// edited after it was applied stops the run with a message naming it. On PostgreSQL the
/// whole run holds a session-level advisory lock, so replicas starting together apply each
/// file once and the others wait, then find nothing pending.
public struct Migrator: Sendable {
    public let database: Database
    public let files: [MigrationFile]

    /// An arbitrary constant shared by every replica: the advisory lock's identity.
    static let advisoryLockKey: Int64 = 7_271_460_001

    public init(database: Database, files: [MigrationFile]) {
        self.database = database
        self.files = files
    }

    public init(database: Database, directory: String) throws {
        self.init(database: database, files: try MigrationFile.load(from: directory, backend: database.backend))
    }

    /// What is applied and what is pending, without changing anything.
    public func status() async throws -> MigrationStatus {
        let files = self.files
        let applied = try await database.read { connection in try Self.appliedMigrations(connection) }
        return MigrationStatus(files: files, applied: applied)
    }

    /// Applies every pending file in its own transaction and returns those it applied.
    @discardableResult
    public func migrate() async throws -> [MigrationFile] {
        let files = self.files
        let backend = database.backend
        return try await database.withWriterConnection { connection in
            if backend == .postgres {
                try connection.query("SELECT pg_advisory_lock($1)", .integer(Self.advisoryLockKey))
            }
            defer {
                if backend == .postgres {
                    _ = try? connection.query("SELECT pg_advisory_unlock($1)", .integer(Self.advisoryLockKey))
                }
            }
            try connection.executeScript(Self.createTable(backend))
            let status = MigrationStatus(files: files, applied: try Self.appliedMigrations(connection))
            try status.checkIntegrity()
            var appliedNow: [MigrationFile] = []
            for file in status.pending {
                let started = ContinuousClock.now
                try connection.executeScript(backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
                do {
                    try connection.executeScript(file.sql)
                    let elapsed = ContinuousClock.now - started
                    try connection.query(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at, duration_ms) VALUES ($1, $2, $3, $4, $5)",
                        .integer(Int64(file.version)), .text(file.name), .text(file.checksum),
                        .text(Timestamp.format(Date())), .integer(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
                    try connection.executeScript("COMMIT")
                } catch {
                    try? connection.executeScript("ROLLBACK")
                    throw StorageError.migration("migration \(file.fileName) failed: \(error)")
                }
                appliedNow.append(file)
            }
            return appliedNow
        }
    }

    static func createTable(_ backend: StorageBackend) -> String {
        let timestamp = backend == .sqlite ? "TEXT" : "TIMESTAMPTZ"
        return """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at \(timestamp) NOT NULL,
                duration_ms BIGINT NOT NULL
            )
            """
    }

    static func appliedMigrations(_ connection: any SQLConnection) throws -> [AppliedMigration] {
        let exists: Bool
        if connection is PostgresConnection {
            exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present").first?["present"].bool ?? false
        } else {
            exists = try !connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").isEmpty
        }
        guard exists else { return [] }
        return try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map {
            AppliedMigration(version: $0["version"].int ?? 0, name: $0["name"].string ?? "",
                             checksum: $0["checksum"].string ?? "", appliedAt: $0["applied_at"].string ?? "")
        }
    }
}
