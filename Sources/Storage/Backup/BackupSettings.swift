/// What backups need to know, handed over by whoever opens the storage.
public struct BackupSettings: Sendable {
    /// The folder backups are written to and restored from (`database.backup_path`).
    public var directory: String
    /// The folder holding `migrations/postgres`, whose DDL the export from SQLite writes.
    public var migrationsDirectory: String
    /// Where `pg_dump`, `pg_restore` and `psql` are looked for, in order.
    public var toolDirectories: [String]

    public init(directory: String, migrationsDirectory: String,
                toolDirectories: [String] = PostgresTools.defaultDirectories()) {
        self.directory = directory
        self.migrationsDirectory = migrationsDirectory
        self.toolDirectories = toolDirectories
    }
}
