import ArgumentParser

/// `cci config`: prints the effective configuration with each value's source; secrets masked.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the effective configuration (secrets masked).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let loaded = try options.load()
        print("# file: \(loaded.file ?? "none")")
        for warning in loaded.warnings { print("# warning: \(warning)") }
        for line in loaded.describe() { print(line) }
    }
}
