import API
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import Ollama
import ServiceConfig
import Storage
import TestSupport

/// Runs the real application on a loopback socket against a fresh database.
enum TestApp {
    /// Log lines the application wrote, for assertions on the request log.
    final class CapturedLogs: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        var output: LogOutput { LogOutput { [lines] line in lines.withLockedValue { $0.append(line) } } }
        var all: [String] { lines.withLockedValue { $0 } }
    }

    /// The admin key every test application has.
    static let adminSecret = APIKeySecret.generate().secret
    static var admin: HTTPFields { [.init("X-API-Key")!: adminSecret] }

    /// The test configuration: rate limits on but far above what a test sends, unless the
    /// test sets its own.
    static func config(_ environment: [String: String] = [:]) throws -> AppConfig {
        let base = ["SERVER_HOST": "127.0.0.1", "SERVER_PORT": "0", "OLLAMA_ENABLED": "false",
                    "DEFAULT_RATE_LIMIT": "1000000", "RATE_LIMIT_BURST": "1000000", "GLOBAL_RATE_LIMIT": "100000000"]
        return try ConfigLoader(environment: base.merging(environment) { $1 }, configFile: "/dev/null").load().config
    }

    /// Builds the app on `backend` (migrated unless `migrate` is false) and runs `body` with a
    /// live client.
    static func run(
        backend: StorageBackend = .sqlite,
        environment: [String: String] = [:],
        migrate: Bool = true,
        storage explicitStorage: (any Storage)? = nil,
        ollama: OllamaClient? = nil,
        _ body: @Sendable (any TestClientProtocol, CapturedLogs, any Storage) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.make(backend)
        // As `cci serve` does: the registry exists before the storage's pools, which make
        // their metrics as they are made.
        _ = MetricsRegistry.shared()
        let storage: any Storage
        if let explicitStorage {
            storage = explicitStorage
        } else {
            let opened = try database.openStorage()
            if migrate {
                try await opened.migrate()
                _ = try await AdminKeyBootstrap.run(store: opened, configuredSecret: adminSecret, configuredFile: nil)
            }
            storage = opened
        }
        let logs = CapturedLogs()
        do {
            let app = try application(environment: environment, storage: storage, logs: logs, ollama: ollama)
            try await app.test(.live) { client in try await body(client, logs, storage) }
        } catch {
            await storage.close()
            await database.drop()
            throw error
        }
        await storage.close()
        await database.drop()
    }

    /// Runs `count` applications on one fresh database of `backend`, as replicas behind a load
    /// balancer would be: each with its own storage pools and its own shared-state clients
    /// (so with `REDIS_URL` they share a Redis, under one key prefix unless one is given).
    /// `body` gets a live client per replica, in order, and storage on the database.
    static func runReplicas(
        _ count: Int = 2,
        backend: StorageBackend = .sqlite,
        environment: [String: String] = [:],
        _ body: @Sendable ([any TestClientProtocol], any Storage) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.make(backend)
        var environment = environment
        if environment["REDIS_KEY_PREFIX"] == nil { environment["REDIS_KEY_PREFIX"] = "cci-test:\(UUID().uuidString.prefix(8)):" }
        var storages: [SQLStorage] = []
        _ = MetricsRegistry.shared()
        do {
            for _ in 0..<count { storages.append(try database.openStorage()) }
            try await storages[0].migrate()
            _ = try await AdminKeyBootstrap.run(store: storages[0], configuredSecret: adminSecret, configuredFile: nil)
            let apps = try storages.map { try application(environment: environment, storage: $0, logs: CapturedLogs()) }
            let first = storages[0]
            try await withClients(of: apps[...], []) { clients in try await body(clients, first) }
        } catch {
            for storage in storages { await storage.close() }
            await database.drop()
            throw error
        }
        for storage in storages { await storage.close() }
        await database.drop()
    }

    static func application(
        environment: [String: String], storage: any Storage, logs: CapturedLogs, ollama: OllamaClient? = nil
    ) throws -> some ApplicationProtocol {
        let logger = Logger(label: "test") { label in JSONLogHandler(label: label, level: .info, output: logs.output) }
        let appConfig = try config(environment)
        let shared = try SharedServices.make(config: appConfig, logger: logger)
        return buildApplication(ApplicationDependencies(config: appConfig, storage: storage, shared: shared, ollama: ollama, logger: logger))
    }

    /// Starts each application in turn, nesting their live tests, and runs `body` with all clients.
    private static func withClients<App: ApplicationProtocol>(
        of apps: ArraySlice<App>, _ clients: [any TestClientProtocol],
        _ body: @Sendable ([any TestClientProtocol]) async throws -> Void
    ) async throws {
        guard let first = apps.first else { return try await body(clients) }
        let rest = apps.dropFirst()
        try await first.test(.live) { client in try await withClients(of: rest, clients + [client], body) }
    }

    /// The response body parsed as a JSON object.
    static func json(_ response: TestResponse) throws -> [String: Any] {
        let data = Data(buffer: response.body)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DecodingFailure(body: String(buffer: response.body))
        }
        return object
    }

    struct DecodingFailure: Error {
        let body: String
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}
