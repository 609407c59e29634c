import API
import ArgumentParser

@main
struct CCI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cci",
        abstract: "Claude Code Intelligence: keep, compress and search Claude Code sessions.",
        version: BuildInfo.version,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, ImportCommand.self, CompressCommand.self, BackupCommand.self,
            RestoreCommand.self, KeysCommand.self, ConfigCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    static func main() async {
        MallocArenas.limitToCores()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
