import SharedState
import Testing

@Suite("Redis URLs")
struct RedisConfigurationTests {
    @Test func hostOnlyUsesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.password == nil)
        #expect(configuration.username == nil)
        #expect(configuration.commandTimeout == .milliseconds(250))
    }

    @Test func passwordPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cret@10.0.0.5:6380/4")
        #expect(configuration.host == "10.0.0.5")
        #expect(configuration.port == 6380)
        #expect(configuration.password == "s3cret")
        #expect(configuration.username == nil)
        #expect(configuration.database == 4)
    }

    @Test func aclUserWithPercentEncodedPassword() throws {
        let configuration = try RedisConfiguration(url: "redis://app:p%40ss%3Aword@localhost:7000/")
        #expect(configuration.username == "app")
        #expect(configuration.password == "p@ss:word")
        #expect(configuration.port == 7000)
        #expect(configuration.database == 0)
    }

    @Test("broken percent-encoding in the credentials is refused", arguments: ["redis://:p%4@localhost", "redis://:p%zz@localhost", "redis://us%er:pw@localhost"])
    func brokenPercentEncoding(url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }

    @Test func bracketedIPv6Host() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6390/2")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6390)
        #expect(configuration.database == 2)
        #expect(configuration.redactedURL == "redis://[::1]:6390/2")
    }

    @Test func redactedURLHidesThePassword() throws {
        let configuration = try RedisConfiguration(url: "redis://app:secret@host:1/3")
        #expect(configuration.redactedURL == "redis://app:***@host:1/3")
        #expect(!configuration.redactedURL.contains("secret"))
    }

    @Test(arguments: [
        "rediss://host:6379", "http://host", "redis://", "redis://host:0", "redis://host:99999",
        "redis://host:port", "redis://host/db", "redis://host/-1", "redis://user@host", "redis://host?timeout=1",
        "redis://:%zz@host",
    ])
    func rejectsInvalidURLs(url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }
}
