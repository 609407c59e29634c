import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import TestSupport
import Testing

@Suite("Health, readiness and liveness over a real socket")
struct HealthTests {
    @Test("/health reports the database up and the service healthy", arguments: TestDatabase.backends)
    func healthy(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            let body = try TestApp.json(response)
            #expect(body["status"] as? String == "healthy")
            #expect(body["backend"] as? String == backend.rawValue)
            let database = try #require((body["components"] as? [String: Any])?["database"] as? [String: Any])
            #expect(database["status"] as? String == "up")
        }
    }

    @Test("/ready is 200 with the schema version once migrated", arguments: TestDatabase.backends)
    func ready(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            let response = try await client.execute(uri: "/ready", method: .get)
            #expect(response.status == .ok)
            let body = try TestApp.json(response)
            #expect(body["ready"] as? Bool == true)
            #expect((body["schema_version"] as? Int ?? 0) >= 1)
        }
    }

    @Test("/ready is 503 naming the pending files while the schema is behind", arguments: TestDatabase.backends)
    func notReadyWhenBehind(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend, migrate: false) { client, _, _ in
            let response = try await client.execute(uri: "/ready", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = try TestApp.json(response)
            #expect(body["ready"] as? Bool == false)
            #expect((body["reason"] as? String)?.contains("0001_sessions.sql") == true)
        }
    }

    @Test("an unreachable database makes /health 503 unhealthy and /ready 503")
    func databaseDown() async throws {
        let storage = SQLStorage(
            database: Database.postgres(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", poolSize: 1),
            migrations: try MigrationFile.load(from: TestPaths.migrations.path, backend: .postgres),
            backups: BackupSettings(directory: NSTemporaryDirectory(), migrationsDirectory: TestPaths.migrations.path))
        try await TestApp.run(storage: storage) { client, _, _ in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .serviceUnavailable)
            let body = try TestApp.json(health)
            #expect(body["status"] as? String == "unhealthy")
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            // The reason never leaks connection details.
            #expect(!String(buffer: ready.body).contains("127.0.0.1"))
            let live = try await client.execute(uri: "/live", method: .get)
            #expect(live.status == .ok)
        }
    }

    @Test("/live answers 200")
    func live() async throws {
        try await TestApp.run { client, _, _ in
            let response = try await client.execute(uri: "/live", method: .get)
            #expect(response.status == .ok)
            #expect(try TestApp.json(response)["status"] as? String == "alive")
        }
    }
}

@Suite("Redis in /health")
struct RedisHealthTests {
    @Test("a configured Redis that answers is up", .enabled(if: TestServices.runRedis))
    func redisUp() async throws {
        try await TestApp.run(environment: ["REDIS_URL": try TestServices.requireRedisURL()]) { client, _, _ in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            let body = try TestApp.json(response)
            #expect(body["status"] as? String == "healthy")
            let redis = try #require((body["components"] as? [String: Any])?["redis"] as? [String: Any])
            #expect(redis["status"] as? String == "up")
        }
    }

    @Test("a configured Redis that is down makes the service degraded, still 200")
    func redisDown() async throws {
        try await TestApp.run(environment: ["REDIS_URL": "redis://127.0.0.1:1"]) { client, _, _ in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            let body = try TestApp.json(response)
            #expect(body["status"] as? String == "degraded")
            let redis = try #require((body["components"] as? [String: Any])?["redis"] as? [String: Any])
            #expect(redis["status"] as? String == "down")
            // No password or internals in the answer.
            #expect(!String(buffer: response.body).contains("Error Domain"))
        }
    }

    @Test("without REDIS_URL there is no redis component")
    func noRedis() async throws {
        try await TestApp.run { client, _, _ in
            let body = try TestApp.json(try await client.execute(uri: "/health", method: .get))
            #expect((body["components"] as? [String: Any])?["redis"] == nil)
        }
    }
}
