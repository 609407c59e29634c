import API
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceConfig
import Storage

/// Process-wide set-up shared by the commands.
enum Bootstrap {
    private static let loggingDone = NIOLockedValueBox(false)

    /// Installs the JSON (or text) log handler at the configured level, once per process.
    static func logging(_ monitoring: AppConfig.Monitoring) -> Logger {
        let level = Logger.Level(configName: monitoring.logLevel)
        let json = monitoring.logFormat == "json"
        loggingDone.withLockedValue { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                if json { return JSONLogHandler(label: label, level: level) }
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return Logger(label: "cci")
    }

    /// Opens the configured storage without migrating it.
    static func openStorage(_ config: AppConfig, migrationsDirectory: String? = nil) throws -> SQLStorage {
        let database = config.database
        return try StorageFactory.open(.init(
            backend: database.type == .postgres ? .postgres : .sqlite,
            sqlitePath: database.path,
            postgresURL: database.url,
            poolSize: database.poolSize,
            busyTimeout: database.busyTimeout,
            migrationsDirectory: migrationsDirectory ?? database.migrationsDirectory,
            backupDirectory: database.backupPath))
    }
}

extension Logger.Level {
    /// The configuration says `warn`; swift-log says `warning`.
    init(configName: String) {
        switch configName {
        case "trace": self = .trace
        case "debug": self = .debug
        case "warn", "warning": self = .warning
        case "error": self = .error
        default: self = .info
        }
    }
}
