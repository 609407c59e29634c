import ArgumentParser
import Storage

/// `cci restore NAME --confirm`: replaces the configured database with a backup.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Replace the configured database with a backup.",
        discussion: """
            Every session, entry and API key is replaced by the backup's. The backup's checksum is \
            verified first; a backup that does not match is refused and nothing changes. Migrations \
            newer than the backup are applied afterwards.
            """)
    @OptionGroup var options: ConfigOptions
    @Argument(help: "The backup's file name, as `cci backup list` shows it.") var name: String
    @Flag(help: "Confirm that the database's current content is to be replaced.") var confirm = false

    func validate() throws {
        guard confirm else {
            throw ValidationError("restoring replaces the whole database with the backup's content; add --confirm to go ahead")
        }
    }

    func run() async throws {
        let config = try options.load().config
        let cache = try SharedCacheInvalidation(config: config)
        do {
            try await withBackupStorage(config) { storage in
                let outcome = try await storage.restoreBackup(named: name)
                await cache.invalidateAll()
                print("restored \(outcome.manifest.fileName) (schema version \(outcome.manifest.schemaVersion), "
                    + "taken \(outcome.manifest.createdAt))")
                for file in outcome.migrationsApplied { print("applied \(file)") }
            }
        } catch {
            await cache.close()
            throw error
        }
        await cache.close()
    }
}
