import ArgumentParser
import Foundation
import Storage

/// `cci migrate`: applies pending migrations, or with `--status` lists them.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the numbered SQL files of migrations/<backend>/.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Show applied and pending migrations without changing anything.")
    var status = false

    @Option(help: "Folder holding sqlite/ and postgres/ migrations (default: database.migrations_dir).")
    var dir: String?

    func run() async throws {
        let config = try options.load().config
        let storage: SQLStorage
        do {
            storage = try Bootstrap.openStorage(config, migrationsDirectory: dir)
        } catch let error as StorageError {
            throw ValidationError(error.description)
        }
        defer { Task { await storage.close() } }
        do {
            if status {
                try await printStatus(storage)
            } else {
                let applied = try await storage.migrate()
                for file in applied { print("applied \(file.fileName)") }
                let current = try await storage.migrationStatus()
                print("schema version \(current.schemaVersion) (\(storage.backend.rawValue)); \(applied.count) applied now")
                if let warning = try await storage.encodingWarning() {
                    FileHandle.standardError.write(Data(("warning: " + warning + "\n").utf8))
                }
            }
        } catch let error as StorageError {
            await storage.close()
            throw CLIError(error.description)
        }
        await storage.close()
    }

    private func printStatus(_ storage: SQLStorage) async throws {
        let status = try await storage.migrationStatus()
        let applied = Dictionary(uniqueKeysWithValues: status.applied.map { ($0.version, $0) })
        let changed = Set(status.changed.map(\.version))
        for file in status.files {
            let state = changed.contains(file.version) ? "CHANGED" : applied[file.version] != nil ? "applied" : "pending"
            let when = applied[file.version].map { "  \($0.appliedAt)" } ?? ""
            print("\(state.padding(toLength: 8, withPad: " ", startingAt: 0)) \(file.fileName)\(when)")
        }
        for stray in status.unknown { print("unknown  \(stray.version)_\(stray.name) (applied, not on disk)") }
        print("\(status.pending.count) pending, \(status.applied.count) applied, schema version \(status.schemaVersion)")
        if !status.changed.isEmpty { throw CLIError("applied migrations were changed on disk") }
    }
}

/// A failure the user can act on: printed without a stack trace, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
