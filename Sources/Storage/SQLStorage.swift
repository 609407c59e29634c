/// ``Storage`` over a ``Database``: the SQL is shared where the dialects agree, and the
/// backend decides where they differ.
public final class SQLStorage: Storage {
    public let database: Database
    let migrator: Migrator
    public let backupSettings: BackupSettings
    let backupActivity = BackupActivity()
    /// SQLite only (``PendingScans`` says why): PostgreSQL always reads a session back.
    let pendingScans: PendingScans?

    public init(database: Database, migrations: [MigrationFile], backups: BackupSettings) {
        self.database = database
        self.migrator = Migrator(database: database, files: migrations)
        self.backupSettings = backups
        self.pendingScans = database.backend == .sqlite ? PendingScans() : nil
    }

    public var backend: StorageBackend { database.backend }

    public func ping() async throws {
        try await database.read { connection in _ = try connection.query("SELECT 1") }
    }

    public func migrationStatus() async throws -> MigrationStatus { try await migrator.status() }

    @discardableResult
    public func migrate() async throws -> [MigrationFile] { try await migrator.migrate() }

    public func poolStatistics() -> [PoolStatistics] { database.poolStatistics() }

    /// Why this database will not store and search text as it should, or nil. A PostgreSQL
    /// database that is not UTF-8 (SQL_ASCII is what `initdb` makes when no locale is set)
    /// splits words at every non-ASCII letter, so its search answers differ from SQLite's.
    public func encodingWarning() async throws -> String? {
        guard backend == .postgres else { return nil }  // SQLite text is always UTF-8
        let encoding = try await database.read { connection in
            try connection.query("SHOW server_encoding").first?["server_encoding"].string ?? ""
        }
        guard encoding != "UTF8" else { return nil }
        return "the PostgreSQL database uses encoding \(encoding), not UTF8: search will split words at non-ASCII "
            + "letters; create it with ENCODING 'UTF8' TEMPLATE template0"
    }

    public func close() async { await database.close() }
}
