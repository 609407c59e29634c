import Foundation
import SharedState
import Testing

/// The Redis server the suite runs against, from `CCI_TEST_REDIS_URL`.
///
/// With `CCI_TEST_REQUIRE_SERVICES=1` a missing URL fails the Redis tests instead of
/// skipping them, so a run cannot pass by skipping. Each test uses its own key prefix.
enum TestRedis {
    static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["CCI_TEST_REDIS_URL"], !url.isEmpty else { return nil }
        return url
    }

    static var required: Bool { ProcessInfo.processInfo.environment["CCI_TEST_REQUIRE_SERVICES"] == "1" }

    /// Whether Redis tests run: when a server is given, and when one is required (to fail).
    static var enabled: Bool { url != nil || required }

    static func requireURL() throws -> String {
        guard let url else {
            throw MissingRedis()
        }
        return url
    }

    /// A client with a patient command timeout: the suites run beside many others on a
    /// loaded machine, and a slow reply must not read as a missing value.
    static func client(poolSize: Int = 4) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: requireURL())
        configuration.poolSize = poolSize
        configuration.commandTimeout = .seconds(5)
        configuration.maximumQueueWait = .seconds(5)
        return RedisClient(configuration: configuration)
    }

    /// A key prefix no other test (or earlier run) uses.
    static func prefix(_ test: String = #function) -> String {
        "cci-test:\(test.prefix { $0 != "(" }):\(UUID().uuidString.prefix(8)):"
    }
}

struct MissingRedis: Error, CustomStringConvertible {
    var description: String { "CCI_TEST_REDIS_URL is not set (and CCI_TEST_REQUIRE_SERVICES=1)" }
}

/// Runs `body` `count` times concurrently and returns how many returned true.
func countConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Bool) async throws -> Int {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<count { group.addTask { try await body(index) } }
        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
}
