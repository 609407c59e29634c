import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Storage
import TestSupport
import Testing

@Suite("cci serve and cci config")
struct ServeCommandTests {
    /// The port from the server's `listening` log line.
    static func port(of child: CLIProcess) async throws -> Int {
        let line = try await child.waitForLine(containing: "\"msg\":\"listening\"")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return Int(object?["port"] as? String ?? "") ?? 0
    }

    /// `cci serve` on a free loopback port, without Ollama; `environment` (the database's,
    /// and any other setting) adds to that or overrides it.
    static func serve(_ environment: [String: String]) throws -> CLIProcess {
        try CLIProcess(["serve"], environment: [
            "SERVER_HOST": "127.0.0.1", "SERVER_PORT": "0", "OLLAMA_ENABLED": "false",
        ].merging(environment) { $1 })
    }

    /// ``serve(_:)`` on a new SQLite file.
    static func serveOnNewSQLite(_ folderName: String, _ environment: [String: String] = [:]) throws -> CLIProcess {
        let folder = try TestPaths.temporaryDirectory(folderName)
        return try serve(["DATABASE_PATH": folder.appendingPathComponent("cci.db").path].merging(environment) { $1 })
    }

    static func get(_ url: String) async throws -> (Int, Data) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test("cci serve on SQLite creates and migrates its database and answers /health")
    func serveSQLite() async throws {
        let folder = try TestPaths.temporaryDirectory("cci-serve")
        let child = try Self.serve(["DATABASE_PATH": folder.appendingPathComponent("nested/dir/cci.db").path])
        let port = try await Self.port(of: child)
        let (status, data) = try await Self.get("http://127.0.0.1:\(port)/health")
        #expect(status == 200, "\(String(decoding: data, as: UTF8.self))")
        let (readyStatus, _) = try await Self.get("http://127.0.0.1:\(port)/ready")
        #expect(readyStatus == 200)
        #expect(try await child.terminate() == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("nested/dir/cci.db").path))
    }

    @Test("cci serve exports its database pools' metrics")
    func poolMetricsExported() async throws {
        let child = try Self.serveOnNewSQLite("cci-serve-metrics", ["API_KEY_ENABLED": "false"])
        let port = try await Self.port(of: child)
        _ = try await Self.get("http://127.0.0.1:\(port)/api/sessions")
        // The pools are made at start-up: their series exist only if the registry was there first.
        let text = String(decoding: try await Self.get("http://127.0.0.1:\(port)/metrics").1, as: UTF8.self)
        for series in [#"claude_code_db_pool_max_connections{pool="sqlite_writer"}"#, #"claude_code_db_pool_connections{pool="sqlite_readers""#,
                       #"claude_code_db_query_duration_seconds_count{pool="sqlite_readers"}"#] {
            #expect(text.contains(series), "\(series) missing from /metrics")
        }
        #expect(try await child.terminate() == 0)
    }

    @Test("cci serve with Redis exports the Redis client's metrics", .enabled(if: TestServices.runRedis))
    func redisMetricsExported() async throws {
        let child = try Self.serveOnNewSQLite("cci-serve-redis", [
            "API_KEY_ENABLED": "false", "HEALTH_CHECK_INTERVAL": "200ms", "REDIS_URL": try TestServices.requireRedisURL(),
        ])
        let port = try await Self.port(of: child)
        _ = try await Self.get("http://127.0.0.1:\(port)/api/sessions/search?q=anything")
        // The client is made at start-up: its series exist only if the registry was there first.
        var text = ""
        for _ in 0..<100 {
            text = String(decoding: try await Self.get("http://127.0.0.1:\(port)/metrics").1, as: UTF8.self)
            if text.contains("claude_code_redis_commands_total ") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        for series in ["claude_code_redis_commands_total", "claude_code_redis_pipelines_total",
                       "claude_code_redis_connections_opened_total"] {
            #expect(text.contains(series + " "), "\(series) missing from /metrics")
        }
        #expect(try await child.terminate() == 0)
    }

    @Test("on SIGTERM an in-flight request completes, then the process exits 0",
          .enabled(if: TestServices.runPostgres))
    func gracefulShutdown() async throws {
        let database = try await TestDatabase.make(.postgres)
        let storage = try database.openStorage(poolSize: 1)
        try await storage.migrate()
        let child = try Self.serve(database.environment)
        let port = try await Self.port(of: child)

        // Hold a lock that /ready's query must wait for, so the request stays in flight.
        let locker = Database.postgres(url: database.location, poolSize: 1)
        let release = AsyncStream<Void>.makeStream()
        let lockTask = Task {
            try await locker.write { connection in
                try connection.executeScript("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE")
                // Block this pool thread until the test says to commit.
                let semaphore = DispatchSemaphore(value: 0)
                Task { for await _ in release.stream { break }; semaphore.signal() }
                semaphore.wait()
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let request = Task { try await Self.get("http://127.0.0.1:\(port)/ready") }
        try await Task.sleep(for: .milliseconds(300))
        child.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        #expect(child.process.isRunning, "the server must wait for the in-flight request")
        release.continuation.yield()
        try await lockTask.value
        let (status, _) = try await request.value
        #expect(status == 200)
        #expect(try await child.wait() == 0)
        #expect(child.standardOutput.contains("storage closed"))
        await locker.close()
        await storage.close()
        await database.drop()
    }

    @Test("an invalid setting stops start-up naming the key, value and what is allowed")
    func invalidSetting() async throws {
        let result = try await CLIProcess.run(["serve"], environment: ["SERVER_PORT": "eighty"])
        #expect(result.status != 0)
        #expect(result.errors.contains("server.port = \"eighty\""))
        #expect(result.errors.contains("SERVER_PORT"))
        #expect(result.errors.contains("an integer from 0 to 65535"))
    }

    @Test("cci config prints every key with its source and masks secrets")
    func configCommand() async throws {
        let result = try await CLIProcess.run(["config", "--database-type", "postgres"], environment: [
            "DATABASE_URL": "postgresql://app:topsecret@db/cci", "SERVER_PORT": "9999",
        ])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("server.port = 9999  (environment SERVER_PORT)"))
        #expect(result.output.contains("database.type = postgres  (command line)"))
        #expect(result.output.contains("postgresql://app:****@db/cci"))
        #expect(!result.output.contains("topsecret"))
    }
}
