/// ``Storage`` over a ``Database``: the SQL is shared where the dialects agree, and the
/// backend decides where they differ.
public final class SQLStorage: Storage {
    public let database: Database
    let migrator: Migrator
    public let backupSettings: BackupSettings
    let backupActivity = BackupActivity()

    public init(database: Database, migrations: [MigrationFile], backups: BackupSettings) {
        self.database = database
        self.migrator = Migrator(database: database, files: migrations)
        self.backupSettings = backups
    }

    public var backend: StorageBackend { database.backend }

    public func ping() async throws {
        try await database.read { connection in _ = try connection.query("SELECT 1") }
    }

    public func migrationStatus() async throws -> MigrationStatus { try await migrator.status() }

    @discardableResult
    public func migrate() async throws -> [MigrationFile] { try await migrator.migrate() }

    public func poolStatistics() -> [PoolStatistics] { database.poolStatistics() }

    public func close() async { await database.close() }
}
