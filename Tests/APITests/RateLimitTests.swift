import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import TestSupport
import Testing

/// Keys and requests shared by the rate-limit and cache suites.
enum LimitedClient {
    /// Stores a key allowed `rateLimit` requests per minute (default limit when nil); returns its secret.
    static func key(_ storage: any Storage, rateLimit: Int?, permissions: [String] = ["read:sessions", "write:sessions"])
        async throws -> String {
        let generated = APIKeySecret.generate()
        _ = try await storage.createKey(NewAPIKey(
            id: generated.id, name: "limited", hash: generated.hash, prefix: generated.displayPrefix,
            permissions: permissions, rateLimit: rateLimit, expiresAt: nil))
        return generated.secret
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, key: String?) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[HTTPField.Name("X-API-Key")!] = key }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    static func header(_ response: TestResponse, _ name: String) -> String? {
        response.headers[HTTPField.Name(name)!]
    }

    static func intHeader(_ response: TestResponse, _ name: String) -> Int? {
        header(response, name).flatMap { Int($0) }
    }

    /// What sending a request until it is refused showed about a budget.
    struct Spending {
        var admitted = 0
        var refusal: TestResponse?
        /// Units the budget regained while the requests ran (one per interval): on a loaded
        /// machine requests can be seconds apart, so the count admitted is a range, not a number.
        var refills = 0

        /// A budget of `burst` admitted that many (plus what it regained), then refused.
        func isExhausted(burst: Int) -> Bool {
            refusal != nil && admitted >= burst && admitted <= burst + refills
        }
    }

    /// Sends `request` until it is refused, at most `attempts` times, for a budget that
    /// refills one unit every `interval`.
    static func spend(attempts: Int, interval: Duration, _ request: () async throws -> TestResponse)
        async throws -> Spending {
        let start = ContinuousClock.now
        var spending = Spending()
        for _ in 0..<attempts {
            let response = try await request()
            if response.status == .tooManyRequests {
                spending.refusal = response
                break
            }
            #expect(response.status == .ok)
            spending.admitted += 1
        }
        spending.refills = refills(since: start, every: interval)
        return spending
    }

    static func refills(since start: ContinuousClock.Instant, every interval: Duration) -> Int {
        Int((ContinuousClock.now - start) / interval)
    }
}

@Suite("Rate limits over a real socket")
struct RateLimitTests {
    typealias C = LimitedClient

    @Test("limited responses carry RateLimit-* headers; /health does not")
    func headers() async throws {
        try await TestApp.run(environment: ["RATE_LIMIT_BURST": "5"]) { client, _, storage in
            let key = try await C.key(storage, rateLimit: 5)  // one every 12 s, five at once
            let start = ContinuousClock.now
            let first = try await C.get(client, "/api/sessions", key: key)
            #expect(first.status == .ok)
            #expect(C.intHeader(first, "RateLimit-Limit") == 5)
            #expect(C.intHeader(first, "RateLimit-Remaining") == 4)
            let reset = try #require(C.intHeader(first, "RateLimit-Reset"))
            #expect((1...12).contains(reset))
            let second = try #require(C.intHeader(try await C.get(client, "/api/sessions", key: key), "RateLimit-Remaining"))
            // Errors from the handler carry them too.
            let missing = try await C.get(client, "/api/sessions/nope", key: key)
            #expect(missing.status == .notFound)
            let third = try #require(C.intHeader(missing, "RateLimit-Remaining"))
            let refills = C.refills(since: start, every: .seconds(12))
            #expect(second >= 3 && second <= 3 + refills)
            #expect(third >= 2 && third <= 2 + refills)
            let health = try await C.get(client, "/health", key: nil)
            #expect(C.header(health, "RateLimit-Limit") == nil)
        }
    }

    @Test("over the key's budget: 429 rate_limited with Retry-After, naming the caller's budget")
    func refusal() async throws {
        try await TestApp.run { client, _, storage in
            let key = try await C.key(storage, rateLimit: 1)  // one a minute
            let spending = try await C.spend(attempts: 4, interval: .seconds(60)) {
                try await C.get(client, "/api/sessions", key: key)
            }
            #expect(spending.isExhausted(burst: 1))
            let refused = try #require(spending.refusal)
            let error = try #require(try TestApp.json(refused)["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limited")
            #expect((error["message"] as? String)?.contains("caller") == true)
            #expect(error["request_id"] as? String != nil)
            let retryAfter = try #require(C.intHeader(refused, "Retry-After"))
            #expect((1...60).contains(retryAfter))
            #expect(C.intHeader(refused, "RateLimit-Remaining") == 0)
            #expect(C.intHeader(refused, "RateLimit-Limit") == 1)
            #expect(C.header(refused, "X-Request-ID") != nil)
            // Another key has its own budget.
            let other = try await C.key(storage, rateLimit: 1)
            #expect(try await C.get(client, "/api/sessions", key: other).status == .ok)
        }
    }

    @Test("the global budget is shared by every caller")
    func global() async throws {
        try await TestApp.run(environment: ["GLOBAL_RATE_LIMIT": "2"]) { client, _, storage in
            let keys = [try await C.key(storage, rateLimit: nil), try await C.key(storage, rateLimit: nil)]
            var sent = 0
            let spending = try await C.spend(attempts: 6, interval: .seconds(30)) {
                sent += 1
                return try await C.get(client, "/api/sessions", key: keys[sent % 2])
            }
            #expect(spending.isExhausted(burst: 2))
            let refused = try #require(spending.refusal)
            let message = (try TestApp.json(refused)["error"] as? [String: Any])?["message"] as? String
            #expect(message?.contains("service") == true)
        }
    }

    @Test("a route limit applies to that route only, per caller")
    func endpoint() async throws {
        try await TestApp.run(environment: ["RATE_LIMIT_ENDPOINTS": "GET /api/sessions/search=2, POST /api/nothing=1"]) {
            client, logs, storage in
            let key = try await C.key(storage, rateLimit: nil)
            let spending = try await C.spend(attempts: 6, interval: .seconds(30)) {
                try await C.get(client, "/api/sessions/search?q=x", key: key)
            }
            #expect(spending.isExhausted(burst: 2))
            #expect(spending.refusal.flatMap { C.intHeader($0, "RateLimit-Limit") } == 2)
            // Other routes, and other callers on this route, are not affected.
            for _ in 0..<3 { #expect(try await C.get(client, "/api/sessions", key: key).status == .ok) }
            let other = try await C.key(storage, rateLimit: nil)
            #expect(try await C.get(client, "/api/sessions/search?q=x", key: other).status == .ok)
            // A route limit naming no route is reported at start.
            #expect(logs.all.contains { $0.contains("unknown route") && $0.contains("POST /api/nothing") })
        }
    }

    @Test("without API keys the caller is its IP address")
    func perAddress() async throws {
        try await TestApp.run(environment: ["API_KEY_ENABLED": "false", "DEFAULT_RATE_LIMIT": "1"]) { client, _, _ in
            let spending = try await C.spend(attempts: 4, interval: .seconds(60)) {
                try await C.get(client, "/api/sessions", key: nil)
            }
            #expect(spending.isExhausted(burst: 1))
        }
    }

    @Test("RATE_LIMIT_ENABLED=false: no limits, no headers")
    func disabled() async throws {
        try await TestApp.run(environment: ["RATE_LIMIT_ENABLED": "false", "GLOBAL_RATE_LIMIT": "1"]) { client, _, storage in
            let key = try await C.key(storage, rateLimit: 1)
            for _ in 0..<5 {
                let response = try await C.get(client, "/api/sessions", key: key)
                #expect(response.status == .ok)
                #expect(C.header(response, "RateLimit-Limit") == nil)
            }
        }
    }

    @Test("a malformed route limit stops start-up naming the setting")
    func badEndpointSetting() throws {
        for value in ["GET /api/sessions", "GET /api/sessions=0", "FETCH /api/sessions=5", "GET api/sessions=5", "/api=5"] {
            #expect {
                _ = try TestApp.config(["RATE_LIMIT_ENDPOINTS": value])
            } throws: { error in
                "\(error)".contains("security.rate_limiting.endpoint_limits")
            }
        }
        let limits = try TestApp.config(["RATE_LIMIT_ENDPOINTS": "get /api/sessions/{id}=5,POST /api/sessions=30"])
            .security.rateLimiting.endpoints
        #expect(limits.map(\.method) == ["GET", "POST"])
        #expect(limits.map(\.path) == ["/api/sessions/{id}", "/api/sessions"])
        #expect(limits.map(\.perMinute) == [5, 30])
    }
}
