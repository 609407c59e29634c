import API
import ArgumentParser
import Hummingbird
import Logging
import ServiceConfig
import Storage

/// `cci serve`: runs the HTTP API until SIGTERM or SIGINT, then drains in-flight requests.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP API server.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Address to listen on.")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int?

    func run() async throws {
        var extra: [String: String] = [:]
        extra["server.host"] = host
        extra["server.port"] = port.map(String.init)
        let loaded = try options.load(extraFlags: extra)
        let config = loaded.config
        let logger = Bootstrap.logging(config.monitoring)
        for warning in loaded.warnings { logger.warning("\(warning)") }

        let storage = try Bootstrap.openStorage(config)
        try await prepareSchema(storage, config: config, logger: logger)

        let app = buildApplication(
            ApplicationDependencies(config: config, storage: storage, logger: logger),
            onServerRunning: { channel in
                logger.info("listening", metadata: [
                    "address": "\(config.server.host)",
                    "port": "\(channel.localAddress?.port ?? config.server.port)",
                    "backend": "\(storage.backend.rawValue)",
                ])
            })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("stopped")
    }

    /// SQLite always migrates (it is this process's own file); PostgreSQL migrates only with
    /// `database.auto_migrate`, otherwise `/ready` reports the pending files.
    private func prepareSchema(_ storage: SQLStorage, config: AppConfig, logger: Logger) async throws {
        if storage.backend == .sqlite || config.database.autoMigrate {
            let applied = try await storage.migrate()
            for file in applied { logger.info("migration applied", metadata: ["file": "\(file.fileName)"]) }
            return
        }
        let status = try await storage.migrationStatus()
        try status.checkIntegrity()
        if !status.pending.isEmpty {
            logger.warning("database schema is behind; run `cci migrate` (the service is not ready until then)",
                           metadata: ["pending": "\(status.pending.map(\.fileName).joined(separator: ","))"])
        }
    }
}
