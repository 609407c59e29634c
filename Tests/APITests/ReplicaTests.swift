import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SharedState
import Storage
import TestSupport
import Testing

/// Two instances of the service on one database and one Redis, as replicas behind a load
/// balancer: they must enforce one rate budget, see one another's revocations at once, and
/// never serve a cached answer that a write through the other made stale.
@Suite("Replicas sharing Redis and a database", .enabled(if: TestServices.runRedis))
struct ReplicaTests {
    typealias C = LimitedClient
    typealias R = SessionRequests

    @Test("a burst spread over both replicas is limited as one budget")
    func oneBudget() async throws {
        let redis = try TestServices.requireRedisURL()
        try await TestApp.runReplicas(environment: ["REDIS_URL": redis]) { replicas, storage in
            let key = try await C.key(storage, rateLimit: 6)  // one every 10 s, six at once
            let start = ContinuousClock.now
            // Both replicas at once, each sending its half of the burst one after another.
            let statuses = try await withThrowingTaskGroup(of: [HTTPResponse.Status].self) { group in
                for replica in replicas {
                    group.addTask {
                        var statuses: [HTTPResponse.Status] = []
                        for _ in 0..<8 { statuses.append(try await C.get(replica, "/api/sessions", key: key).status) }
                        return statuses
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let refills = C.refills(since: start, every: .seconds(10))
            let admitted = statuses.joined().filter { $0 == .ok }.count
            #expect(admitted >= 6 && admitted <= 6 + refills, "admitted \(admitted) of 16")
            #expect(statuses.joined().allSatisfy { $0 == .ok || $0 == .tooManyRequests })
        }
    }

    @Test("a key revoked through one replica is refused by the other at once", arguments: TestDatabase.backends)
    func revocation(backend: StorageBackend) async throws {
        let redis = try TestServices.requireRedisURL()
        try await TestApp.runReplicas(backend: backend, environment: ["REDIS_URL": redis]) { replicas, _ in
            let (secret, id) = try await Self.rememberedKey(on: replicas, reading: "/api/sessions/search?q=x")
            let revoked = try await replicas[0].execute(uri: "/api/admin/keys/\(id)", method: .delete, headers: TestApp.admin)
            #expect(revoked.status == .noContent)
            #expect(try await C.get(replicas[1], "/api/sessions", key: secret).status == .unauthorized)
            #expect(try await C.get(replicas[0], "/api/sessions", key: secret).status == .unauthorized)
        }
    }

    /// A read key made through the admin API on the first replica and used a few times on
    /// each, so that every replica remembers it; its secret and id.
    static func rememberedKey(on replicas: [any TestClientProtocol], reading path: String) async throws -> (String, String) {
        let created = try await replicas[0].execute(
            uri: "/api/admin/keys", method: .post,
            headers: [.contentType: "application/json", .init("X-API-Key")!: TestApp.adminSecret],
            body: ByteBuffer(string: #"{"name": "roaming", "permissions": ["read:sessions"]}"#))
        let body = try TestApp.json(created)
        let (secret, id) = (try #require(body["key"] as? String), try #require(body["id"] as? String))
        for _ in 0..<3 {
            for replica in replicas { #expect(try await C.get(replica, path, key: secret).status == .ok) }
        }
        return (secret, id)
    }

    @Test("a write through one replica invalidates the other's cached answers", arguments: TestDatabase.backends)
    func cacheCoherence(backend: StorageBackend) async throws {
        let redis = try TestServices.requireRedisURL()
        try await TestApp.runReplicas(backend: backend, environment: ["REDIS_URL": redis]) { replicas, _ in
            let (a, b) = (replicas[0], replicas[1])
            _ = try await R.upload(b, [R.line(session: "s1", uuid: "u1", text: "the walrus migration")])
            let first = try await R.get(a, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(first) == "miss")
            #expect(try R.total(first) == 1)
            #expect(R.cacheStatus(try await R.get(a, "/api/sessions/search?q=walrus")) == "hit")
            // The answer cached by one replica serves the other through Redis.
            #expect(R.cacheStatus(try await R.get(b, "/api/sessions/search?q=walrus")) == "hit")

            _ = try await R.upload(b, [R.line(session: "s2", uuid: "u2", text: "a second walrus")])
            let afterWrite = try await R.get(a, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(afterWrite) == "miss")
            #expect(try R.total(afterWrite) == 2)

            #expect(R.cacheStatus(try await R.get(a, "/api/sessions/s1")) == "miss")
            #expect(R.cacheStatus(try await R.get(a, "/api/sessions/s1")) == "hit")
            _ = try await R.upload(b, [R.line(session: "s1", uuid: "u3", text: "more on the walrus")])
            let detail = try await R.get(a, "/api/sessions/s1")
            #expect(R.cacheStatus(detail) == "miss")
            #expect(try TestApp.json(detail)["entry_count"] as? Int == 2)

            #expect(try await R.delete(b, "/api/sessions/s1").status == .noContent)
            #expect(try await R.get(a, "/api/sessions/s1").status == .notFound)
            #expect(try R.total(try await R.get(a, "/api/sessions/search?q=walrus")) == 1)
        }
    }

    @Test("a restore through one replica empties every replica's cache", .enabled(if: TestServices.runPostgres))
    func restoreClearsEveryCache() async throws {
        let redis = try TestServices.requireRedisURL()
        try await TestApp.runReplicas(backend: .postgres, environment: ["REDIS_URL": redis]) { replicas, _ in
            let (a, b) = (replicas[0], replicas[1])
            _ = try await R.upload(a, [R.line(session: "s1", uuid: "u1", text: "the walrus migration")])
            let (created, manifest) = try await BackupRouteTests.post(a, "/api/backup", #"{"type": "manual"}"#)
            #expect(created.status == .created, "\(manifest)")
            let name = try #require(manifest["file_name"] as? String)
            _ = try await R.upload(a, [R.line(session: "s2", uuid: "u2", text: "a second walrus")])
            #expect(try R.total(try await R.get(a, "/api/sessions/search?q=walrus")) == 2)
            #expect(R.cacheStatus(try await R.get(a, "/api/sessions/search?q=walrus")) == "hit")
            #expect(R.cacheStatus(try await R.get(a, "/api/sessions/s2")) == "miss")

            let (restored, body) = try await BackupRouteTests.post(
                b, "/api/backup/restore", #"{"backup_filename": "\#(name)", "confirm": true}"#)
            #expect(restored.status == .ok, "\(body)")
            let search = try await R.get(a, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(search) == "miss")
            #expect(try R.total(search) == 1, "the backup's data, not the cached answer")
            #expect(try await R.get(a, "/api/sessions/s2").status == .notFound)
        }
    }

    @Test("cci import, and cci restore on PostgreSQL, straight into the database clear the servers' cached answers through Redis",
          arguments: TestDatabase.backends)
    func commandLineWritesClearTheCache(backend: StorageBackend) async throws {
        let redis = try TestServices.requireRedisURL()
        let shared = ["REDIS_URL": redis, "REDIS_KEY_PREFIX": "cci-test:\(UUID().uuidString.prefix(8)):"]
        let database = try await TestDatabase.make(backend)
        let storage = try database.openStorage()
        try await storage.migrate()
        _ = try await AdminKeyBootstrap.run(store: storage, configuredSecret: TestApp.adminSecret, configuredFile: nil)
        let cli = database.environment.merging(shared) { $1 }.merging(
            ["XDG_STATE_HOME": try TestPaths.temporaryDirectory("cci-state").path]) { $1 }
        do {
            try await TestApp.run(environment: shared, storage: storage) { client, _, _ in
                _ = try await R.upload(client, [R.line(session: "s1", uuid: "u1", text: "the walrus migration")])
                let backup = backend == .postgres ? try await CLIProcess.run(["backup"], environment: cli) : nil
                #expect(backup.map(\.status) ?? 0 == 0, "\(backup?.errors ?? "")")
                #expect(try R.total(try await R.get(client, "/api/sessions/search?q=walrus")) == 1)
                #expect(R.cacheStatus(try await R.get(client, "/api/sessions/search?q=walrus")) == "hit")

                let folder = try TestPaths.temporaryDirectory("cci-import")
                try Data((R.line(session: "s2", uuid: "u2", text: "a second walrus") + "\n").utf8)
                    .write(to: folder.appendingPathComponent("s2.jsonl"))
                let imported = try await CLIProcess.run(["import", "--plain", folder.path], environment: cli)
                #expect(imported.status == 0, "\(imported.errors)")
                let afterImport = try await R.get(client, "/api/sessions/search?q=walrus")
                #expect(R.cacheStatus(afterImport) == "miss")
                #expect(try R.total(afterImport) == 2)

                guard let name = backup?.output.split(separator: " ").dropFirst().first else { return }
                #expect(R.cacheStatus(try await R.get(client, "/api/sessions/search?q=walrus")) == "hit")
                let restored = try await CLIProcess.run(["restore", String(name), "--confirm"], environment: cli)
                #expect(restored.status == 0, "\(restored.errors)")
                let afterRestore = try await R.get(client, "/api/sessions/search?q=walrus")
                #expect(R.cacheStatus(afterRestore) == "miss")
                #expect(try R.total(afterRestore) == 1)
            }
        } catch {
            await database.drop()
            throw error
        }
        await database.drop()
    }

    @Test("hits and misses are counted per tier in /metrics")
    func cacheMetrics() async throws {
        let redis = try TestServices.requireRedisURL()
        try await TestApp.runReplicas(environment: ["REDIS_URL": redis]) { replicas, _ in
            let (a, b) = (replicas[0], replicas[1])
            let series = ["hits", "misses"].flatMap { kind in
                ["memory", "redis"].map { #"claude_code_cache_\#(kind)_total{tier="\#($0)"}"# }
            }
            let before = try await Self.metrics(a, series)
            _ = try await R.get(a, "/api/sessions/search?q=metrics")  // misses in memory and in Redis
            _ = try await R.get(a, "/api/sessions/search?q=metrics")  // a memory hit
            _ = try await R.get(b, "/api/sessions/search?q=metrics")  // a memory miss, a Redis hit
            let after = try await Self.metrics(a, series)
            // Other suites may count too, so each series must grow by at least this much.
            for (sample, growth) in zip(series, [1.0, 1, 2, 1]) {
                #expect(after[sample, default: 0] - before[sample, default: 0] >= growth, "\(sample)")
            }
            let text = String(buffer: try await a.execute(uri: "/metrics", method: .get).body)
            #expect(text.contains(#"claude_code_cache_evictions_total{tier="memory"}"#))
        }
    }

    @Test("with Redis stopped both replicas keep answering on local limits and cache; both recover when it returns")
    func redisOutage() async throws {
        _ = try TestServices.requireRedisURL()
        let server = try RedisProcess()
        let prefix = "cci-outage-\(UUID().uuidString.prefix(8)):"
        let environment = ["REDIS_URL": server.url, "REDIS_KEY_PREFIX": prefix, "HEALTH_CHECK_INTERVAL": "200ms"]
        try await TestApp.runReplicas(environment: environment) { replicas, storage in
            let (a, b) = (replicas[0], replicas[1])
            _ = try await R.upload(a, [R.line(session: "s1", uuid: "u1", text: "the walrus migration")])
            #expect(R.cacheStatus(try await R.get(a, "/api/sessions/search?q=walrus")) == "miss")
            #expect(try await Self.health(a).redis == "up")
            let fallbacksBefore = try await Self.fallbackCount(a)

            server.stop()
            // Every request is still answered, rate limited and cached, by each replica alone:
            // a budget of one a minute admits one on each (the documented outage policy).
            let key = try await C.key(storage, rateLimit: 1)
            for replica in [a, b] {
                let spending = try await C.spend(attempts: 4, interval: .seconds(60)) {
                    try await C.get(replica, "/api/sessions/search?q=walrus", key: key)
                }
                #expect(spending.isExhausted(burst: 1))
                #expect(spending.refusal.flatMap { C.header($0, "RateLimit-Limit") } == "1")
            }
            // A write during the outage is visible through the replica that made it.
            #expect(try await R.upload(b, [R.line(session: "s2", uuid: "u2", text: "outage walrus")]).status == .created)
            #expect(try R.total(try await R.get(b, "/api/sessions/search?q=walrus")) == 2)
            #expect(try await Self.eventually { try await Self.health(a) == ("degraded", "down") })
            #expect(try await Self.fallbackCount(a) > fallbacksBefore)

            try server.start()
            // Each replica probes Redis again after its back-off; from then on a fresh key's
            // budget of one a minute is spent through both: b refuses what a spent only when
            // both decide in Redis (a replica still deciding alone would admit it).
            #expect(try await Self.eventually {
                let fresh = try await C.key(storage, rateLimit: 1)
                var statuses: [HTTPResponse.Status] = []
                for replica in [a, b] { statuses.append(try await C.get(replica, "/api/sessions", key: fresh).status) }
                return statuses == [.ok, .tooManyRequests]
            }, "after recovery the replicas share one budget again")
            #expect(try await Self.eventually {
                let health = (try await Self.health(a), try await Self.health(b))
                return health.0 == ("healthy", "up") && health.1 == ("healthy", "up")
            })
            // Redis restarted empty: no generation can match an answer cached before the outage.
            #expect(try R.total(try await R.get(a, "/api/sessions/search?q=walrus")) == 2)
        }
        server.stop()
    }

    @Test("with Redis stopped, remembered keys are checked in the database: a key revoked there is refused at once")
    func revocationDuringOutage() async throws {
        _ = try TestServices.requireRedisURL()
        let server = try RedisProcess()
        let environment = ["REDIS_URL": server.url, "REDIS_KEY_PREFIX": "cci-outage-\(UUID().uuidString.prefix(8)):"]
        try await TestApp.runReplicas(environment: environment) { replicas, storage in
            let (secret, id) = try await Self.rememberedKey(on: replicas, reading: "/api/sessions")
            server.stop()
            // Straight in the database, as `cci keys revoke` without Redis does: nothing moves
            // the generation, and nothing needs to while Redis cannot vouch for remembered keys.
            #expect(try await storage.revokeKey(id: id))
            for replica in replicas { #expect(try await C.get(replica, "/api/sessions", key: secret).status == .unauthorized) }
            #expect(try await C.get(replicas[1], "/api/sessions", key: TestApp.adminSecret).status == .ok)
        }
        server.stop()
    }

    @Test("a frozen Redis (connections accepted, nothing answered) costs a short timeout, not a stalled request")
    func frozenRedis() async throws {
        _ = try TestServices.requireRedisURL()
        let server = try RedisProcess()
        // The handler timeout is far above Redis's timeouts: a request that waited on the
        // frozen server without them would end in 503 instead of an answer.
        let environment = ["REDIS_URL": server.url, "HEALTH_CHECK_INTERVAL": "200ms", "SERVER_WRITE_TIMEOUT": "20s"]
        try await TestApp.runReplicas(environment: environment) { replicas, storage in
            let key = try await C.key(storage, rateLimit: 1000)
            #expect(try await C.get(replicas[0], "/api/sessions/search?q=frozen", key: key).status == .ok)
            server.pause()
            for replica in replicas {
                for _ in 0..<3 {
                    let response = try await C.get(replica, "/api/sessions/search?q=frozen", key: key)
                    #expect(response.status == .ok)
                    #expect(C.header(response, "RateLimit-Limit") != nil)
                }
            }
            #expect(try await Self.eventually { try await Self.health(replicas[1]) == ("degraded", "down") })
            server.resume()
            #expect(try await Self.eventually { try await Self.health(replicas[1]) == ("healthy", "up") })
            #expect(try await C.get(replicas[1], "/api/sessions/search?q=frozen", key: key).status == .ok)
        }
        server.resume()
        server.stop()
    }

    // MARK: - Helpers

    static func health(_ client: any TestClientProtocol) async throws -> (status: String, redis: String) {
        let body = try TestApp.json(try await client.execute(uri: "/health", method: .get))
        let redis = (body["components"] as? [String: Any])?["redis"] as? [String: Any]
        return (body["status"] as? String ?? "", redis?["status"] as? String ?? "")
    }

    static func fallbackCount(_ client: any TestClientProtocol) async throws -> Double {
        try await metrics(client, ["claude_code_ratelimit_fallback_total"]).values.first ?? 0
    }

    /// The current value of each of `samples` (name and labels as printed) in `/metrics`.
    static func metrics(_ client: any TestClientProtocol, _ samples: [String]) async throws -> [String: Double] {
        let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), samples.contains(String(line[..<space])) else { continue }
            values[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return values
    }

    /// Polls `condition` until it holds, for up to `timeout` (generous: the machine is loaded).
    static func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
