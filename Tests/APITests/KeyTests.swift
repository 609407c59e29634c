import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@Suite("API keys over a real socket")
struct KeyTests {
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }
    static let jsonHeaders: HTTPFields = [.contentType: "application/json", .init("X-API-Key")!: TestApp.adminSecret]

    static func key(_ secret: String) -> HTTPFields { [.init("X-API-Key")!: secret] }

    @Test("create returns the secret once; list shows no secrets; the key works within its permissions; revoke is immediate",
          arguments: TestDatabase.backends)
    func lifecycle(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            let created = try await client.execute(
                uri: "/api/admin/keys", method: .post, headers: Self.jsonHeaders,
                body: Self.body(#"{"name": "ci reader", "permissions": ["read:sessions"], "rate_limit": 60, "expires_in_days": 30}"#))
            #expect(created.status == .created)
            let createdBody = try TestApp.json(created)
            let secret = try #require(createdBody["key"] as? String)
            let id = try #require(createdBody["id"] as? String)
            #expect(secret.hasPrefix("cci_"))
            #expect(createdBody["rate_limit"] as? Int == 60)
            #expect(createdBody["permissions"] as? [String] == ["read:sessions"])
            #expect(createdBody["expires_at"] as? String != nil)

            let list = try await client.execute(uri: "/api/admin/keys", method: .get, headers: TestApp.admin)
            #expect(list.status == .ok)
            let listText = String(buffer: list.body)
            #expect(!listText.contains(secret))
            #expect(!listText.contains(APIKeySecret.hash(secret)))
            #expect(listText.contains(id))

            // A reader may not manage keys.
            let forbidden = try await client.execute(uri: "/api/admin/keys", method: .get, headers: Self.key(secret))
            #expect(forbidden.status == .forbidden)
            #expect(String(buffer: forbidden.body).contains("\"code\":\"forbidden\""))

            let revoked = try await client.execute(uri: "/api/admin/keys/\(id)", method: .delete, headers: TestApp.admin)
            #expect(revoked.status == .noContent)
            let afterRevoke = try await client.execute(uri: "/api/admin/keys", method: .get, headers: Self.key(secret))
            #expect(afterRevoke.status == .unauthorized)
            let again = try await client.execute(uri: "/api/admin/keys/\(id)", method: .delete, headers: TestApp.admin)
            #expect(again.status == .notFound)
        }
    }

    @Test("no key, an unknown, an expired and a revoked key all get the same 401")
    func sameUnauthorized() async throws {
        try await TestApp.run { client, _, storage in
            let expired = APIKeySecret.generate()
            _ = try await storage.createKey(NewAPIKey(
                id: expired.id, name: "old", hash: expired.hash, prefix: expired.displayPrefix,
                permissions: ["admin"], rateLimit: nil, expiresAt: "2020-01-01T00:00:00.000Z"))
            let revoked = APIKeySecret.generate()
            _ = try await storage.createKey(NewAPIKey(
                id: revoked.id, name: "gone", hash: revoked.hash, prefix: revoked.displayPrefix,
                permissions: ["admin"], rateLimit: nil, expiresAt: nil))
            _ = try await storage.revokeKey(id: revoked.id)

            var bodies: [String] = []
            for headers in [HTTPFields(), Self.key(APIKeySecret.generate().secret), Self.key("not-a-key"),
                            Self.key(expired.secret), Self.key(revoked.secret)] {
                let response = try await client.execute(uri: "/api/admin/keys", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                let error = try #require(try TestApp.json(response)["error"] as? [String: Any])
                bodies.append("\(error["code"] ?? "") \(error["message"] ?? "")")
            }
            #expect(Set(bodies).count == 1)
        }
    }

    @Test("bad key requests get 400 naming the field, 415 for a wrong content type",
          arguments: [
              (#"{"name": "x", "permissions": ["read:sessions", "superuser"]}"#, "permissions"),
              (#"{"name": "x", "rate_limit": -5}"#, "rate_limit"),
              (#"{"name": "x", "rate_limit": 1.5}"#, "rate_limit"),
              (#"{"name": "x", "expires_in_days": 100000}"#, "expires_in_days"),
              (#"{"name": "x", "expires_in_days": 0}"#, "expires_in_days"),
              (#"{"permissions": ["admin"]}"#, "name"),
              (#"{"name": "x", "permissions": []}"#, "permissions"),
              (#"{"name": "x", "permissions": "admin"}"#, "permissions"),
              (#"[1, 2]"#, "JSON object"),
              (#"{"name": "#, "JSON object"),
          ])
    func badRequests(body: String, field: String) async throws {
        try await TestApp.run { client, _, storage in
            let before = try await storage.keys().count
            let response = try await client.execute(uri: "/api/admin/keys", method: .post, headers: Self.jsonHeaders, body: Self.body(body))
            #expect(response.status == .badRequest)
            let error = try #require(try TestApp.json(response)["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains(field) == true, "\(error)")
            #expect(try await storage.keys().count == before)
        }
    }

    @Test("a body that is not JSON gets 415")
    func wrongContentType() async throws {
        try await TestApp.run { client, _, _ in
            let response = try await client.execute(
                uri: "/api/admin/keys", method: .post, headers: [.contentType: "text/plain", .init("X-API-Key")!: TestApp.adminSecret],
                body: Self.body("name=x"))
            #expect(response.status == .unsupportedMediaType)
        }
    }

    @Test("API_KEY_ENABLED=false opens the API without a key")
    func disabled() async throws {
        try await TestApp.run(environment: ["API_KEY_ENABLED": "false"]) { client, _, _ in
            let response = try await client.execute(uri: "/api/admin/keys", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test("/metrics needs a key with read:metrics when metrics_require_key is on")
    func metricsKey() async throws {
        try await TestApp.run(environment: ["METRICS_REQUIRE_KEY": "true"]) { client, _, _ in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            let withKey = try await client.execute(uri: "/metrics", method: .get, headers: TestApp.admin)
            #expect(withKey.status == .ok)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
    }
}

@Suite("Admin key bootstrap")
struct AdminKeyBootstrapTests {
    @Test("exactly one of many racing starts creates the default admin key", arguments: TestDatabase.backends)
    func onceUnderRace(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let first = try database.openStorage()
        try await first.migrate()
        let storages = [first] + (try (0..<4).map { _ in try database.openStorage(poolSize: 1) })
        let outcomes = try await withThrowingTaskGroup(of: AdminKeyBootstrap.Outcome.self) { group in
            for storage in storages {
                group.addTask { try await AdminKeyBootstrap.run(store: storage, configuredSecret: nil, configuredFile: nil) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let generated = outcomes.compactMap { if case .generated(let secret) = $0 { return secret } else { return nil } }
        #expect(generated.count == 1)
        let keys = try await first.keys()
        #expect(keys.count == 1)
        #expect(keys.first?.permissions == ["admin"])
        #expect(keys.first?.hash == APIKeySecret.hash(generated[0]))
        // A later start creates nothing.
        #expect(try await AdminKeyBootstrap.run(store: first, configuredSecret: nil, configuredFile: nil) == .alreadyPresent)
        for storage in storages { await storage.close() }
        await database.drop()
    }

    @Test("a configured admin key is installed once and never generated", arguments: TestDatabase.backends)
    func configured(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let storage = try database.openStorage()
        try await storage.migrate()
        let secret = APIKeySecret.generate().secret
        let file = try TestPaths.temporaryDirectory().appendingPathComponent("admin-key")
        try (secret + "\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try await AdminKeyBootstrap.run(store: storage, configuredSecret: nil, configuredFile: file.path) == .installedConfigured)
        #expect(try await AdminKeyBootstrap.run(store: storage, configuredSecret: secret, configuredFile: nil) == .alreadyPresent)
        #expect(try await storage.keys().count == 1)
        await #expect(throws: AdminKeyError.self) {
            try await AdminKeyBootstrap.run(store: storage, configuredSecret: "password123", configuredFile: nil)
        }
        await storage.close()
        await database.drop()
    }
}
