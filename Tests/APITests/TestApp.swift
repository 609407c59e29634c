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

    static func config(_ environment: [String: String] = [:]) throws -> AppConfig {
        let base = ["SERVER_HOST": "127.0.0.1", "SERVER_PORT": "0", "OLLAMA_ENABLED": "false"]
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
        let logger = Logger(label: "test") { label in JSONLogHandler(label: label, level: .info, output: logs.output) }
        let appConfig = try config(environment)
        let shared = try SharedServices.make(redisURL: appConfig.redisURL, logger: logger)
        let app = buildApplication(ApplicationDependencies(config: appConfig, storage: storage, shared: shared, ollama: ollama, logger: logger))
        do {
            try await app.test(.live) { client in try await body(client, logs, storage) }
        } catch {
            await storage.close()
            await database.drop()
            throw error
        }
        await storage.close()
        await database.drop()
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
