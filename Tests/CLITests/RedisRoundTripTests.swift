import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// With Redis, an `/api` request makes one round trip to it: the rate-limit script also
/// reads the generations of the key records and of the route's cached answer, and the key
/// itself comes from the server's memory. A revocation made outside the server, by
/// `cci keys revoke`, still holds on the next request.
@Suite("One Redis round trip per request", .enabled(if: TestServices.runRedis))
struct RedisRoundTripTests {
    /// With rate limiting off the one command is an `MGET` of the same generations.
    @Test("an authenticated cached read costs one Redis command, rate limited or not; cci keys revoke holds at once",
          arguments: [true, false])
    func oneCommandPerRead(rateLimited: Bool) async throws {
        let folder = try TestPaths.temporaryDirectory("cci-redis-round-trip")
        let admin = "cci_" + String(repeating: "a7", count: 21) + "b"
        let environment = [
            "DATABASE_PATH": folder.appendingPathComponent("cci.db").path, "ADMIN_API_KEY": admin,
            // No health probe of Redis during the count.
            "HEALTH_CHECK_INTERVAL": "1h", "RATE_LIMIT_BURST": "1000", "RATE_LIMIT_ENABLED": String(rateLimited),
            "REDIS_URL": try TestServices.requireRedisURL(), "REDIS_KEY_PREFIX": "cci-test:\(UUID().uuidString.prefix(8)):",
        ]
        let child = try ServeCommandTests.serve(environment)
        let base = "http://127.0.0.1:\(try await ServeCommandTests.port(of: child))"

        let (status, created) = try await Self.send(
            "POST", base + "/api/admin/keys", key: admin, body: #"{"name": "reader", "permissions": ["read:sessions"], "rate_limit": 6000}"#)
        #expect(status == 201)
        let reader = try #require(created["key"] as? String)
        let id = try #require(created["id"] as? String)
        let line = #"{"type":"user","uuid":"u1","sessionId":"s1","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"the walrus migration"}}"#
        #expect(try await Self.send("POST", base + "/api/sessions", key: admin, body: line, type: "application/x-ndjson").0 == 201)

        let reads = ["/api/sessions/search?q=walrus", "/api/sessions/s1"]
        for _ in 0..<3 {
            for path in reads {
                let (status, body) = try await Self.send("GET", base + path, key: reader)
                #expect(status == 200, "\(path): \(body)")
            }
        }
        let before = try await Self.redisCommands(base)
        for _ in 0..<10 {
            for path in reads { #expect(try await Self.send("GET", base + path, key: reader).0 == 200) }
        }
        let after = try await Self.redisCommands(base)
        #expect(after - before == 20, "\(after - before) Redis commands for 20 requests")

        let revoked = try await CLIProcess.run(["keys", "revoke", id], environment: environment)
        #expect(revoked.status == 0, "\(revoked.errors)")
        for path in reads { #expect(try await Self.send("GET", base + path, key: reader).0 == 401) }
        #expect(try await Self.send("GET", base + reads[0], key: admin).0 == 200)

        #expect(try await child.terminate() == 0)
    }

    static func send(
        _ method: String, _ url: String, key: String, body: String? = nil, type: String = "application/json"
    ) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(type, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// `claude_code_redis_commands_total` from `/metrics`.
    static func redisCommands(_ base: String) async throws -> Int {
        let text = String(decoding: try await ServeCommandTests.get(base + "/metrics").1, as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix("claude_code_redis_commands_total ") }
        return Int(Double(line?.split(separator: " ").last ?? "") ?? -1)
    }
}
