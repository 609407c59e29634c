import Foundation

extension SQLStorage {
    var backupFolder: BackupFolder { BackupFolder(path: backupSettings.directory) }

    public func createBackup(type: BackupType, format: BackupFormat?, description: String?) async throws -> BackupManifest {
        try await backupActivity.exclusive { try await takeBackup(type: type, format: format, description: description) }
    }

    public func backups() async throws -> [BackupManifest] {
        let folder = backupFolder
        return try await BlockingWork.run { folder.list() }
    }

    public func restoreBackup(named name: String) async throws -> RestoreOutcome {
        try BackupName.validate(name)
        return try await backupActivity.exclusive { try await restore(name) }
    }

    public func deleteBackup(named name: String) async throws -> Bool {
        let folder = backupFolder
        return try await BlockingWork.run {
            do {
                _ = try folder.manifest(named: name)
            } catch BackupError.notFound {
                return false
            }
            try folder.remove(name)
            return true
        }
    }

    private func takeBackup(type: BackupType, format requested: BackupFormat?, description: String?) async throws -> BackupManifest {
        let writable = BackupFormat.writable(by: backend)
        let format = requested ?? writable[0]
        guard writable.contains(format) else {
            throw BackupError.incompatible("a \(backend.rawValue) database is backed up as "
                + writable.map(\.rawValue).joined(separator: " or ") + ", not \(format.rawValue)")
        }
        let folder = backupFolder
        let created = Date()
        let name = BackupName.make(at: created, type: type, format: format)
        let partial = folder.partialFile(name)
        try await BlockingWork.run { try folder.create() }
        do {
            let schemaVersion: Int
            switch (backend, format) {
            case (.sqlite, .sqlite):
                schemaVersion = try await SQLiteBackups(database: database).copy(to: partial)
            case (.sqlite, _):
                schemaVersion = try await PostgresPlainExport(database: database, postgresMigrations: try postgresMigrations())
                    .write(to: partial)
            case (.postgres, _):
                schemaVersion = try await migrationStatus().schemaVersion
                try await PostgresBackups(database: database, tools: postgresTools).dump(to: partial, format: format)
            }
            let manifest = try await BlockingWork.run { () -> BackupManifest in
                let (sha256, size) = try BackupFolder.checksum(of: partial)
                let manifest = BackupManifest(
                    fileName: name, size: size, sha256: sha256, createdAt: Timestamp.format(created), type: type,
                    description: description, backend: self.backend, format: format, schemaVersion: schemaVersion)
                try folder.publish(partial, as: manifest)
                return manifest
            }
            return manifest
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    private func restore(_ name: String) async throws -> RestoreOutcome {
        let folder = backupFolder
        let manifest = try await BlockingWork.run { try folder.manifest(named: name) }
        guard manifest.format.isRestorable(from: manifest.backend, into: backend) else {
            throw BackupError.incompatible(
                "backup \(name) is a \(manifest.format.rawValue) backup of \(manifest.backend.rawValue); "
                    + "it cannot be restored into \(backend.rawValue)")
        }
        let known = migrator.files.map(\.version).max() ?? 0
        guard manifest.schemaVersion <= known else {
            throw BackupError.incompatible(
                "backup \(name) is at schema version \(manifest.schemaVersion), newer than this version of cci knows (\(known))")
        }
        let file = folder.file(name)
        let actual = try await BlockingWork.run { try BackupFolder.checksum(of: file).sha256 }
        guard actual == manifest.sha256 else {
            throw BackupError.checksumMismatch(name: name, expected: manifest.sha256, actual: actual)
        }
        switch backend {
        case .sqlite:
            try await SQLiteBackups(database: database).restore(from: file)
        case .postgres:
            let scratch = folder.url.appendingPathComponent(".restore-\(UUID().uuidString).sql")
            try await PostgresBackups(database: database, tools: postgresTools)
                .restore(from: file, format: manifest.format, scratch: scratch)
        }
        let applied = try await migrate()
        return RestoreOutcome(manifest: manifest, migrationsApplied: applied.map(\.fileName))
    }

    private var postgresTools: PostgresTools { PostgresTools(directories: backupSettings.toolDirectories) }

    private func postgresMigrations() throws -> [MigrationFile] {
        do {
            return try MigrationFile.load(from: backupSettings.migrationsDirectory, backend: .postgres)
        } catch {
            throw BackupError.exportFailed("\(error)")
        }
    }
}
