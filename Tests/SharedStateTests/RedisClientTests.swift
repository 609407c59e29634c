import MetricsTestKit
import SharedState
import TestSupport
import Testing

@Suite("Redis client", .enabled(if: TestRedis.enabled))
struct RedisClientTests {
    @Test func commandRoundTrips() async throws {
        let client = try TestRedis.client()
        let prefix = TestRedis.prefix()
        #expect(try await client.command(["SET", prefix + "text", "héllo", "PX", "60000"]) == .status("OK"))
        #expect(try await client.command(["GET", prefix + "text"]).string == "héllo")
        #expect(try await client.command(["GET", prefix + "missing"]) == .null)
        #expect(try await client.command(["INCRBY", prefix + "counter", "41"]) == .integer(41))
        #expect(try await client.command(["INCR", prefix + "counter"]).integer == 42)
        _ = try await client.command(["RPUSH", prefix + "list", "a", "", "c"])
        #expect(try await client.command(["LRANGE", prefix + "list", "0", "-1"])
            == .array([.bulk(Array("a".utf8)), .bulk([]), .bulk(Array("c".utf8))]))
        _ = try await client.command(["DEL", prefix + "text", prefix + "counter", prefix + "list"])
        try await client.ping()
        await client.close()
    }

    @Test func binaryValuesSurviveUnchanged() async throws {
        let client = try TestRedis.client()
        let key = TestRedis.prefix() + "binary"
        let value: [UInt8] = [0, 255, 13, 10, 0, 0xC3, 0x28, 42]
        _ = try await client.command(bytes: [Array("SET".utf8), Array(key.utf8), value, Array("PX".utf8), Array("60000".utf8)])
        #expect(try await client.command(["GET", key]) == .bulk(value))
        await client.close()
    }

    @Test func errorReplyThrowsAndKeepsTheConnection() async throws {
        let client = try TestRedis.client(poolSize: 1)
        let key = TestRedis.prefix() + "list"
        _ = try await client.command(["RPUSH", key, "x"])
        await #expect(throws: RedisError.self) { try await client.command(["INCR", key]) }
        do {
            _ = try await client.command(["INCR", key])
        } catch RedisError.server(let message) {
            #expect(message.hasPrefix("WRONGTYPE"))
        }
        #expect(client.connectionCounts.open == 1)
        _ = try await client.command(["DEL", key])
        await client.close()
    }

    @Test func concurrentCommandsSharePipelinesAndEachGetsItsOwnReply() async throws {
        let metrics = TestMetrics()
        let client = try RedisClient(url: try TestRedis.requireURL(), poolSize: 1, metricsFactory: metrics)
        let prefix = TestRedis.prefix()
        _ = try await client.command(["RPUSH", prefix + "list", "x"])
        let count = 300
        let replies = await withTaskGroup(of: (Int, Result<RedisValue, any Error>).self) { group in
            for index in 0..<count {
                group.addTask {
                    // Every 50th command is refused by Redis (INCRBY on a list): it alone fails.
                    let key = index % 50 == 25 ? prefix + "list" : prefix + "n\(index)"
                    do {
                        return (index, .success(try await client.command(["INCRBY", key, String(index)])))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<RedisValue, any Error>]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<count {
            switch replies[index] {
            case .success(let value):
                #expect(index % 50 != 25 && value == .integer(Int64(index)), "command \(index)")
            case .failure(let error):
                #expect(index % 50 == 25 && (error as? RedisError).map { "\($0)" }?.contains("WRONGTYPE") == true,
                        "command \(index): \(error)")
            case nil:
                Issue.record("command \(index) has no reply")
            }
        }
        let commands = try metrics.expectCounter("claude_code_redis_commands_total").totalValue
        let pipelines = try metrics.expectCounter("claude_code_redis_pipelines_total").totalValue
        #expect(commands == count + 1)
        #expect(pipelines < commands, "\(pipelines) pipelines for \(commands) commands: nothing was batched")
        #expect(client.connectionCounts.open == 1)
        await client.close()
    }

    @Test func reconnectsAfterTheConnectionIsKilled() async throws {
        let metrics = TestMetrics()
        let client = try RedisClient(url: try TestRedis.requireURL(), poolSize: 1, metricsFactory: metrics)
        let admin = try TestRedis.client(poolSize: 1)
        let firstID = try #require(try await client.command(["CLIENT", "ID"]).integer)
        _ = try await admin.command(["CLIENT", "KILL", "ID", String(firstID)])
        let secondID = try #require(try await client.command(["CLIENT", "ID"]).integer)
        #expect(secondID != firstID)
        #expect(try metrics.expectCounter("claude_code_redis_connections_opened_total").totalValue == 2)
        await client.close()
        await admin.close()
    }

    @Test func slowReplyTimesOutAndTheNextCommandWorks() async throws {
        var configuration = try RedisConfiguration(url: try TestRedis.requireURL())
        configuration.poolSize = 1
        // Long enough for a reconnect and PING on a loaded machine, far below BLPOP's 30 s.
        configuration.commandTimeout = .seconds(2)
        let client = RedisClient(configuration: configuration)
        let start = ContinuousClock.now
        // BLPOP blocks only this connection for 30 s, not the shared server; the timeout
        // must end the wait long before that.
        await #expect(throws: RedisError.timeout) {
            try await client.command(["BLPOP", TestRedis.prefix() + "never", "30"])
        }
        #expect(ContinuousClock.now - start < .seconds(15))
        try await client.ping()
        await client.close()
    }

    @Test func queuedCommandsFailFastBehindASlowOne() async throws {
        var configuration = try RedisConfiguration(url: try TestRedis.requireURL())
        configuration.poolSize = 1
        configuration.commandTimeout = .seconds(2)
        configuration.maximumQueueWait = .milliseconds(50)
        let client = RedisClient(configuration: configuration)
        try await client.ping()
        // The slow command holds the only connection for 1.5 s; the queued one may wait 50 ms.
        async let slow = client.command(["BLPOP", TestRedis.prefix() + "never", "1.5"])
        try await Task.sleep(for: .milliseconds(300))
        await #expect(throws: RedisError.timeout) { try await client.command(["PING"]) }
        #expect(try await slow == .null)
        await client.close()
    }

    @Test func unreachableServerFailsFast() async throws {
        let stopped = try RedisProcess()
        stopped.stop()
        let port = stopped.port
        let client = try RedisClient(url: "redis://127.0.0.1:\(port)", poolSize: 1)
        await #expect(throws: RedisError.self) { try await client.ping() }
        do {
            try await client.ping()
        } catch let error as RedisError {
            #expect(error.isUnavailable)
        }
        await client.close()
    }

    @Test func closedClientRefusesCommands() async throws {
        let client = try TestRedis.client()
        try await client.ping()
        await client.close()
        await #expect(throws: RedisError.unreachable("client is closed")) { try await client.ping() }
        await client.close()
    }

    @Test func authenticatesAndSelectsTheDatabase() async throws {
        let server = try RedisProcess(extraArguments: ["--requirepass", "p@ss word"])
        let authorised = try RedisClient(url: "redis://:p%40ss%20word@127.0.0.1:\(server.port)/3", poolSize: 1)
        _ = try await authorised.command(["SET", "where", "db3"])
        let otherDatabase = try RedisClient(url: "redis://:p%40ss%20word@127.0.0.1:\(server.port)/0", poolSize: 1)
        #expect(try await otherDatabase.command(["GET", "where"]) == .null)
        #expect(try await authorised.command(["GET", "where"]).string == "db3")

        let wrongPassword = try RedisClient(url: "redis://:nope@127.0.0.1:\(server.port)", poolSize: 1)
        do {
            try await wrongPassword.ping()
            Issue.record("a wrong password was accepted")
        } catch RedisError.server(let message) {
            #expect(message.contains("WRONGPASS") || message.contains("invalid password"))
        }
        let anonymous = try RedisClient(url: "redis://127.0.0.1:\(server.port)", poolSize: 1)
        await #expect(throws: RedisError.server("NOAUTH Authentication required.")) { try await anonymous.ping() }
        for client in [authorised, otherDatabase, wrongPassword, anonymous] { await client.close() }
        server.stop()
    }
}
