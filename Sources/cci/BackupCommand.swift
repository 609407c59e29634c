import ArgumentParser
import Foundation
import ServiceConfig
import Storage

/// `cci backup [--format F] [--description D]`, `cci backup list`, `cci backup delete NAME`:
/// backups of the configured database in `database.backup_path`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up the configured database, or list and delete backups.",
        subcommands: [Create.self, List.self, Delete.self], defaultSubcommand: Create.self)

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Take a backup now (the default subcommand).",
            discussion: """
                Formats: sqlite (SQLite's default: a consistent copy of the database file), pg-custom \
                (PostgreSQL's default: pg_dump's custom format), pg-plain (SQL for psql; from SQLite it \
                loads into an empty PostgreSQL database, which is how a single node moves to PostgreSQL).
                """)
        @OptionGroup var options: ConfigOptions
        @Option(help: "sqlite, pg-custom or pg-plain (default: sqlite on SQLite, pg-custom on PostgreSQL).")
        var format: String?
        @Option(help: "A note stored in the backup's manifest.") var description: String?

        func validate() throws {
            if let format, BackupFormat(rawValue: format) == nil {
                throw ValidationError("--format must be one of \(BackupFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let config = try options.load().config
            try await withBackupStorage(config) { storage in
                let manifest = try await storage.createBackup(
                    type: .manual, format: format.flatMap(BackupFormat.init(rawValue:)), description: description)
                let path = URL(fileURLWithPath: config.database.backupPath).appendingPathComponent(manifest.fileName).path
                print("created \(manifest.fileName) (\(manifest.format.rawValue) of \(manifest.backend.rawValue), "
                    + "\(manifest.size) bytes, schema version \(manifest.schemaVersion))")
                print("sha256 \(manifest.sha256)")
                print("path \(path)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List backups, newest first.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await withBackupStorage(try options.load().config) { storage in
                let backups = try await storage.backups()
                for backup in backups {
                    print([backup.fileName, backup.type.rawValue, backup.format.rawValue, "\(backup.size) bytes",
                           backup.createdAt, "schema \(backup.schemaVersion)", backup.description ?? ""]
                        .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
                }
                print("\(backups.count) backups")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a backup and its manifest.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The backup's file name, as `cci backup list` shows it.") var name: String

        func run() async throws {
            try await withBackupStorage(try options.load().config) { storage in
                try BackupName.validate(name)
                guard try await storage.deleteBackup(named: name) else { throw BackupError.notFound(name) }
                print("deleted \(name)")
            }
        }
    }
}

/// Opens the configured storage (a SQLite file must already exist), runs `body`, closes it;
/// backup and storage errors become messages without a stack trace.
func withBackupStorage(_ config: AppConfig, _ body: (SQLStorage) async throws -> Void) async throws {
    if config.database.type == .sqlite && !config.database.path.hasPrefix("file:")
        && !FileManager.default.fileExists(atPath: config.database.path) {
        throw CLIError("no SQLite database at \(config.database.path)")
    }
    let storage: SQLStorage
    do {
        storage = try Bootstrap.openStorage(config)
    } catch let error as StorageError {
        throw CLIError(error.description)
    }
    do {
        try await body(storage)
    } catch let error as BackupError {
        await storage.close()
        throw CLIError(error.description)
    } catch let error as StorageError {
        await storage.close()
        throw CLIError(error.description)
    } catch {
        await storage.close()
        throw error
    }
    await storage.close()
}
