import ArgumentParser
import Foundation
import ServiceConfig

/// Options every command shares: the config file and the flags that override settings.
/// Flags beat environment variables, which beat the YAML file, which beats defaults.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "YAML configuration file (default: $CONFIG_FILE or configs/config.yaml).")
    var configFile: String?

    @Option(help: "Storage backend: sqlite or postgres.")
    var databaseType: String?

    @Option(help: "SQLite database file.")
    var databasePath: String?

    @Option(help: "PostgreSQL connection string or URI.")
    var databaseURL: String?

    @Option(help: "Lowest log level: trace, debug, info, warn, error.")
    var logLevel: String?

    /// Flag values by the YAML path they override.
    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["database.type"] = databaseType
        flags["database.path"] = databasePath
        flags["database.url"] = databaseURL
        flags["monitoring.log_level"] = logLevel
        return flags
    }

    /// Loads the configuration, or exits with the loader's message (naming key and value).
    func load(extraFlags: [String: String] = [:]) throws -> LoadedConfig {
        let loader = ConfigLoader(
            flags: flags.merging(extraFlags) { $1 },
            environment: ProcessInfo.processInfo.environment,
            configFile: configFile)
        do {
            return try loader.load()
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }
}
