import Foundation

/// Where the test suites find the real servers they run against.
///
/// `scripts/test.sh` starts PostgreSQL and Redis on loopback and exports their URLs.
/// With `CCI_TEST_REQUIRE_SERVICES=1` (set by that script and by CI) a missing server is a
/// failure, so a suite can never pass by skipping; without it, those tests are skipped.
public enum TestServices {
    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A libpq URI of a server where tests may create and drop databases.
    public static var postgresURL: String? { nonEmpty(environment["CCI_TEST_POSTGRES_URL"]) }

    /// A `redis://` URL of a Redis server tests may use (each test picks its own key prefix).
    public static var redisURL: String? { nonEmpty(environment["CCI_TEST_REDIS_URL"]) }

    /// True when the servers must be present: missing ones fail rather than skip.
    public static var servicesRequired: Bool { environment["CCI_TEST_REQUIRE_SERVICES"] == "1" }

    /// Whether PostgreSQL tests run: always when required, so that a missing server fails.
    public static var runPostgres: Bool { postgresURL != nil || servicesRequired }

    /// Whether Redis tests run: always when required, so that a missing server fails.
    public static var runRedis: Bool { redisURL != nil || servicesRequired }

    /// The PostgreSQL URL, or an error explaining how to provide it.
    public static func requirePostgresURL() throws -> String {
        guard let url = postgresURL else { throw MissingService(name: "CCI_TEST_POSTGRES_URL") }
        return url
    }

    /// The Redis URL, or an error explaining how to provide it.
    public static func requireRedisURL() throws -> String {
        guard let url = redisURL else { throw MissingService(name: "CCI_TEST_REDIS_URL") }
        return url
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

public struct MissingService: Error, CustomStringConvertible {
    public let name: String
    public var description: String { "\(name) is not set: run the suite through scripts/test.sh" }
}
