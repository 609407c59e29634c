/// Opens the storage a configuration names.
public enum StorageFactory {
    /// The settings storage needs, handed over by the configuration loader.
    public struct Settings: Sendable {
        public var backend: StorageBackend
        public var sqlitePath: String
        public var postgresURL: String
        public var poolSize: Int
        public var busyTimeout: Duration
        public var migrationsDirectory: String
        /// The folder backups are written to (`database.backup_path`).
        public var backupDirectory: String

        public init(backend: StorageBackend, sqlitePath: String, postgresURL: String, poolSize: Int,
                    busyTimeout: Duration, migrationsDirectory: String, backupDirectory: String) {
            self.backend = backend
            self.sqlitePath = sqlitePath
            self.postgresURL = postgresURL
            self.poolSize = poolSize
            self.busyTimeout = busyTimeout
            self.migrationsDirectory = migrationsDirectory
            self.backupDirectory = backupDirectory
        }
    }

    /// Opens the database and reads the migration files; nothing is migrated here.
    public static func open(_ settings: Settings) throws -> SQLStorage {
        let migrations = try MigrationFile.load(from: settings.migrationsDirectory, backend: settings.backend)
        let database: Database
        switch settings.backend {
        case .sqlite:
            database = try Database.sqlite(path: settings.sqlitePath, readers: settings.poolSize, busyTimeout: settings.busyTimeout)
        case .postgres:
            database = Database.postgres(url: settings.postgresURL, poolSize: settings.poolSize)
        }
        let backups = BackupSettings(directory: settings.backupDirectory, migrationsDirectory: settings.migrationsDirectory)
        return SQLStorage(database: database, migrations: migrations, backups: backups)
    }
}
