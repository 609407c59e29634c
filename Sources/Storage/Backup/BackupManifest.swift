/// Why a backup was taken. Automatic backups are pruned to `database.max_backups`; manual
/// ones are kept until someone deletes them.
public enum BackupType: String, Sendable, Codable, CaseIterable {
    case manual
    case automatic
}

/// What a backup file holds.
public enum BackupFormat: String, Sendable, Codable, CaseIterable {
    /// A SQLite database file (from SQLite only); restored with SQLite's online backup API.
    case sqlite
    /// `pg_dump --format custom` (from PostgreSQL only); restored through `pg_restore` and `psql`.
    case pgCustom = "pg-custom"
    /// pg_dump's plain SQL: from PostgreSQL by `pg_dump`, from SQLite by this service's own
    /// exporter, which `psql` loads into an empty PostgreSQL database.
    case pgPlain = "pg-plain"

    /// The file name extension of backups in this format.
    var fileExtension: String {
        switch self {
        case .sqlite: return "sqlite3"
        case .pgCustom: return "dump"
        case .pgPlain: return "sql"
        }
    }

    /// The formats a backend can write; the first is its default.
    public static func writable(by backend: StorageBackend) -> [BackupFormat] {
        backend == .sqlite ? [.sqlite, .pgPlain] : [.pgCustom, .pgPlain]
    }

    /// Whether a backup in this format, taken from `source`, can be restored into `target`.
    /// A SQLite database's pg-plain export restores into PostgreSQL (the migration path),
    /// never back into SQLite.
    public func isRestorable(from source: StorageBackend, into target: StorageBackend) -> Bool {
        switch (self, target) {
        case (.sqlite, .sqlite): return source == .sqlite
        case (.pgCustom, .postgres): return source == .postgres
        case (.pgPlain, .postgres): return true
        default: return false
        }
    }
}

/// The facts about one backup, stored as a JSON file beside it (`NAME.json`).
///
/// A backup is its file plus this manifest: the manifest's checksum is what a restore
/// verifies, so a file without one is not offered for restore.
public struct BackupManifest: Sendable, Equatable, Codable {
    /// The backup file's name inside the backup folder.
    public var fileName: String
    /// Size of the backup file in bytes.
    public var size: Int64
    /// SHA-256 of the backup file's bytes, lowercase hex.
    public var sha256: String
    /// When the backup was taken: ISO-8601 UTC with milliseconds.
    public var createdAt: String
    public var type: BackupType
    public var description: String?
    /// The backend the data came from.
    public var backend: StorageBackend
    public var format: BackupFormat
    /// The highest migration applied to the data when it was taken.
    public var schemaVersion: Int

    public init(fileName: String, size: Int64, sha256: String, createdAt: String, type: BackupType, description: String?,
                backend: StorageBackend, format: BackupFormat, schemaVersion: Int) {
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
        self.createdAt = createdAt
        self.type = type
        self.description = description
        self.backend = backend
        self.format = format
        self.schemaVersion = schemaVersion
    }

    enum CodingKeys: String, CodingKey {
        case size, sha256, type, description, backend, format
        case fileName = "file_name"
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
    }
}

extension StorageBackend: Codable {}
