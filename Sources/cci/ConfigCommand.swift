import ArgumentParser
import ServiceConfig

/// `cci config`: prints the effective configuration with each value's source; secrets masked.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the effective configuration (secrets masked).")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print the reference table of every key (docs/configuration.md is made from it).")
    var markdown = false

    func run() async throws {
        if markdown {
            print(ConfigReference.markdownTable())
            return
        }
        let loaded = try options.load()
        print("# file: \(loaded.file ?? "none")")
        for warning in loaded.warnings { print("# warning: \(warning)") }
        for line in loaded.describe() { print(line) }
    }
}
