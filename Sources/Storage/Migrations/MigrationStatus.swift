/// A row of `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String
    public let appliedAt: String
}

/// The migrations on disk compared with those the database has applied.
public struct MigrationStatus: Sendable {
    public let files: [MigrationFile]
    public let applied: [AppliedMigration]

    /// Files not yet applied, in order.
    public var pending: [MigrationFile] {
        let done = Set(applied.map(\.version))
        return files.filter { !done.contains($0.version) }
    }

    /// Applied files whose text changed since.
    public var changed: [MigrationFile] {
        let checksums = Dictionary(uniqueKeysWithValues: applied.map { ($0.version, $0.checksum) })
        return files.filter { file in checksums[file.version].map { $0 != file.checksum } ?? false }
    }

    /// Applied versions with no file on disk: the database is newer than this binary's files.
    public var unknown: [AppliedMigration] {
        let known = Set(files.map(\.version))
        return applied.filter { !known.contains($0.version) }
    }

    /// True when every file is applied unchanged.
    public var isCurrent: Bool { pending.isEmpty && changed.isEmpty }

    /// Highest applied version, 0 for an empty database.
    public var schemaVersion: Int { applied.map(\.version).max() ?? 0 }

    /// Throws when applying would be unsafe: an applied file was edited.
    public func checkIntegrity() throws {
        if let file = changed.first {
            throw StorageError.migration(
                "migration \(file.fileName) was changed after it was applied (checksum differs); "
                    + "restore the original file and add a new migration for the change")
        }
        if let stray = unknown.first, pending.contains(where: { $0.version < stray.version }) {
            throw StorageError.migration(
                "the database has migration \(stray.version) (\(stray.name)) that is not on disk, and older files are pending")
        }
    }
}
