import API
import ArgumentParser
import Hummingbird
import Logging
import Ollama
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

        // The storage's pool metrics are made with its pools: the registry they report to
        // must exist first, or /metrics has none of them.
        if config.monitoring.metricsEnabled { _ = MetricsRegistry.shared() }
        let storage = try Bootstrap.openStorage(config)
        try await prepareSchema(storage, config: config, logger: logger)
        try await prepareAdminKey(storage, config: config, logger: logger)

        let shared = try SharedServices.make(config: config, logger: logger)
        let app = buildApplication(
            ApplicationDependencies(
                config: config, storage: storage, shared: shared,
                ollama: config.ollama.enabled
                    ? OllamaClient(
                        configuration: .init(
                            baseURL: config.ollama.baseURL, timeout: config.ollama.timeout,
                            retryAttempts: config.ollama.retryAttempts, retryDelay: config.ollama.retryDelay),
                        logger: logger) : nil,
                logger: logger),
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

    /// Installs or generates the admin key; a generated one is printed by this process only.
    /// On a schema that is still behind (PostgreSQL without auto-migrate) it waits in the
    /// background until `cci migrate` has run, then does it.
    private func prepareAdminKey(_ storage: SQLStorage, config: AppConfig, logger: Logger) async throws {
        guard config.security.apiKeyEnabled else {
            logger.warning("API KEY AUTHENTICATION IS DISABLED (API_KEY_ENABLED=false): every /api route is open to anyone who can reach this port")
            return
        }
        if try await storage.migrationStatus().isCurrent {
            do {
                try await installAdminKey(storage, config: config, logger: logger)
            } catch let error as AdminKeyError {
                throw CLIError(error.description)
            }
            return
        }
        logger.warning("the admin key is set up once the schema is current")
        Task {
            while !((try? await storage.migrationStatus().isCurrent) ?? false) {
                try? await Task.sleep(for: .seconds(1))
            }
            do {
                try await installAdminKey(storage, config: config, logger: logger)
            } catch {
                logger.error("could not set up the admin key", metadata: ["error": "\(error)"])
            }
        }
    }

    private func installAdminKey(_ storage: SQLStorage, config: AppConfig, logger: Logger) async throws {
        let outcome = try await AdminKeyBootstrap.run(
            store: storage, configuredSecret: config.security.adminAPIKey, configuredFile: config.security.adminAPIKeyFile)
        switch outcome {
        case .generated(let secret):
            // Printed plainly, once, by the one process that created it; it is not logged as JSON
            // so that log shippers do not keep it. Unbuffered, like the logs, so it is out at once.
            LogOutput.standardOutput.write("""

                ================================================================
                Default admin API key (shown once, store it now):
                  \(secret)
                Send it as the X-API-Key header. Create narrower keys with POST /api/admin/keys.
                ================================================================

                """)
            logger.warning("default admin API key created and printed to the console")
        case .installedConfigured:
            logger.info("admin API key installed from configuration")
        case .alreadyPresent:
            break
        }
    }

    /// SQLite always migrates (it is this process's own file); PostgreSQL migrates only with
    /// `database.auto_migrate`, otherwise `/ready` reports the pending files.
    private func prepareSchema(_ storage: SQLStorage, config: AppConfig, logger: Logger) async throws {
        if let warning = try await storage.encodingWarning() { logger.warning("\(warning)") }
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
