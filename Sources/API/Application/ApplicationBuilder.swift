import Hummingbird
import Logging
import NIOCore
import Ollama
import ServiceConfig
import ServiceLifecycle
import Storage

/// What the HTTP application is built from: the configuration and the opened dependencies.
public struct ApplicationDependencies: Sendable {
    public var config: AppConfig
    public var storage: any Storage
    public var shared: SharedServices
    /// The Ollama client, when Ollama is enabled.
    public var ollama: OllamaClient?
    public var logger: Logger
    /// Probes beyond the database's (Redis, Ollama), added by whoever opened those clients.
    public var healthChecks: [HealthCheck]
    public var version: String

    /// - Parameter shared: the rate limiter and cache; without one, in-process ones built from `config`.
    public init(
        config: AppConfig, storage: any Storage, shared: SharedServices? = nil, ollama: OllamaClient? = nil,
        logger: Logger, healthChecks: [HealthCheck] = [], version: String = BuildInfo.version
    ) {
        self.config = config
        self.storage = storage
        self.shared = shared ?? .inProcess(config: config, logger: logger)
        self.ollama = ollama
        self.logger = logger
        self.healthChecks = healthChecks
        self.version = version
    }
}

/// Builds the HTTP application: middleware in order, routes, background services.
///
/// Middleware order, outermost first: request id → security headers → log and metrics →
/// JSON errors → CORS → body limit → handler timeout; then, on `/api` routes, admission
/// (key, rate limits and cache read-ahead) and each route group's permission check.
public func buildApplication(
    _ dependencies: ApplicationDependencies,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let config = dependencies.config
    let routes = RouteTable()
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ObservabilityMiddleware(logger: dependencies.logger))
    router.add(middleware: ErrorMiddleware(routes: routes))
    if config.security.corsEnabled {
        router.add(middleware: CORSAllowListMiddleware(origins: config.security.corsAllowedOrigins))
    }
    router.add(middleware: BodyLimitMiddleware(maxBytes: config.server.maxBodyBytes, readTimeout: config.server.readTimeout))
    router.add(middleware: TimeoutMiddleware(timeout: config.server.writeTimeout))

    let databaseCheck = HealthCheck(name: "database", critical: true) { [storage = dependencies.storage] in
        do {
            try await storage.ping()
            return ComponentHealth(status: .up, detail: storage.backend.rawValue)
        } catch {
            return ComponentHealth(status: .down, detail: "\(error)")
        }
    }
    let ollamaChecks = dependencies.ollama.map { [OllamaHealth.check($0)] } ?? []
    let monitor = HealthMonitor(
        checks: [databaseCheck] + dependencies.shared.healthChecks + ollamaChecks + dependencies.healthChecks,
                                interval: config.monitoring.healthCheckInterval)
    let root = router.group()
    HealthRoutes(monitor: monitor, storage: dependencies.storage, startedAt: .now, version: dependencies.version)
        .register(on: root, routes: routes)
    let shared = dependencies.shared
    let authenticator = config.security.apiKeyEnabled
        ? APIKeyAuthenticator(store: dependencies.storage, remembersKeys: shared.remembersKeys, logger: dependencies.logger)
        : nil
    let enforced = authenticator != nil
    if config.monitoring.metricsEnabled {
        let metricsGroup = router.group()
        if config.security.metricsRequireKey {
            metricsGroup.add(middleware: AuthMiddleware(authenticator: authenticator))
                .add(middleware: PermissionMiddleware(required: .readMetrics, enforced: enforced))
        }
        MetricsRoute(registry: MetricsRegistry.shared(), storage: dependencies.storage, version: dependencies.version)
            .register(on: metricsGroup, routes: routes)
    }

    let rateLimits = RateLimitPolicy(config.security.rateLimiting)
    let api = router.group("/api").add(middleware: AdmissionMiddleware(
        authenticator: authenticator, limiter: shared.rateLimiter, policy: rateLimits, cache: shared.cache,
        logger: dependencies.logger))
    let admin = api.group("/admin").add(middleware: PermissionMiddleware(required: .admin, enforced: enforced))
    KeyRoutes(store: dependencies.storage, shared: shared).register(on: admin, routes: routes)
    let backupAdmin = api.group().add(middleware: PermissionMiddleware(required: .admin, enforced: enforced))
    let responses = dependencies.shared.responses
    BackupRoutes(store: dependencies.storage, cache: responses).register(on: backupAdmin, routes: routes)
    let readers = api.group().add(middleware: PermissionMiddleware(required: .readSessions, enforced: enforced))
    SearchRoutes(store: dependencies.storage, cache: responses).register(on: readers, routes: routes)
    RestoreRoutes(store: dependencies.storage).register(on: readers, routes: routes)
    let sessions = SessionRoutes(store: dependencies.storage, cache: responses)
    sessions.registerReads(on: readers, routes: routes)
    let writers = api.group().add(middleware: PermissionMiddleware(required: .writeSessions, enforced: enforced))
    sessions.registerWrites(on: writers, routes: routes)
    let summarySettings = SummarySettings(config)
    let summaryService = SummaryService(store: dependencies.storage, client: dependencies.ollama, settings: summarySettings)
    let doorbell = Doorbell()
    ModelRoutes(client: dependencies.ollama, settings: summarySettings).register(on: readers, routes: routes)
    // Jobs are followed by whoever may start them.
    JobRoutes(store: dependencies.storage).register(on: writers, routes: routes)
    CompressRoutes(
        store: dependencies.storage, cache: responses, redact: config.ingest.redactSecrets,
        summaries: SummaryCompression(store: dependencies.storage, service: summaryService, doorbell: doorbell))
        .register(on: writers, routes: routes)
    UploadRoutes(store: dependencies.storage, cache: responses, redact: config.ingest.redactSecrets,
                 maxLineBytes: config.ingest.maxLineBytes)
        .register(on: writers, routes: routes)
    if dependencies.shared.rateLimiter != nil {
        for endpoint in rateLimits.unknownEndpoints(in: routes) {
            dependencies.logger.warning("rate limit for an unknown route ignored", metadata: ["route": "\(endpoint)"])
        }
    }

    var app = Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(max(1, config.server.idleTimeout.components.seconds)))),
        configuration: .init(address: .hostname(config.server.host, port: config.server.port), serverName: nil),
        onServerRunning: onServerRunning,
        logger: dependencies.logger
    )
    app.addServices(monitor, StorageCloser(storage: dependencies.storage, shared: dependencies.shared, logger: dependencies.logger))
    // After the closer: services stop in reverse order, so the worker stops before storage closes.
    app.addServices(JobWorker(
        store: dependencies.storage, summaries: summaryService, owner: JobWorker.replicaName(), lease: summarySettings.lease,
        pollInterval: summarySettings.pollInterval, doorbell: doorbell, logger: dependencies.logger))
    if config.database.autoBackup {
        // After the closer: services stop in reverse order, so a backup in progress ends first.
        app.addServices(BackupScheduler(
            store: dependencies.storage, interval: config.database.backupInterval, keep: config.database.maxBackups,
            logger: dependencies.logger))
    }
    return app
}

/// Closes the storage pools and the Redis client once graceful shutdown begins and
/// in-flight requests are done.
struct StorageCloser: Service {
    let storage: any Storage
    let shared: SharedServices
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await storage.close()
        await shared.close()
        logger.info("storage closed")
    }
}
