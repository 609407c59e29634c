import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@Suite("Headers, errors, limits and logs over a real socket")
struct HTTPBasicsTests {
    static let securityHeaders: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("X-XSS-Protection", "1; mode=block"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Content-Security-Policy", "default-src 'self'"),
    ]

    @Test("every response carries the security headers and a request id, errors included",
          arguments: [("/health", HTTPRequest.Method.get), ("/nowhere", .get), ("/health", .delete)])
    func securityHeaders(path: String, method: HTTPRequest.Method) async throws {
        try await TestApp.run { client, _, _ in
            let response = try await client.execute(uri: path, method: method)
            for (name, value) in Self.securityHeaders {
                #expect(response.headers[HTTPField.Name(name)!] == value, "\(name) on \(method) \(path)")
            }
            #expect(response.headers[HTTPField.Name("X-Request-ID")!]?.isEmpty == false)
        }
    }

    @Test("a sane X-Request-ID is echoed; an unsafe one is replaced")
    func requestID() async throws {
        try await TestApp.run { client, logs, _ in
            let sane = try await client.execute(uri: "/live", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "abc-123.x_y:z"])
            #expect(sane.headers[HTTPField.Name("X-Request-ID")!] == "abc-123.x_y:z")
            let unsafe = try await client.execute(uri: "/live", method: .get, headers: [HTTPField.Name("X-Request-ID")!: "bad id\" <script>"])
            let replaced = try #require(unsafe.headers[HTTPField.Name("X-Request-ID")!])
            #expect(replaced != "bad id\" <script>")
            #expect(UUID(uuidString: replaced) != nil)
            #expect(logs.all.contains { $0.contains("\"request_id\":\"abc-123.x_y:z\"") })
        }
    }

    @Test("unknown routes get 404 and wrong methods 405 with Allow, in the JSON error shape")
    func errorShape() async throws {
        try await TestApp.run { client, _, _ in
            let missing = try await client.execute(uri: "/api/nothing-here", method: .get)
            #expect(missing.status == .notFound)
            let missingError = try #require(try TestApp.json(missing)["error"] as? [String: Any])
            #expect(missingError["code"] as? String == "not_found")
            #expect(missingError["request_id"] as? String == missing.headers[HTTPField.Name("X-Request-ID")!])
            #expect(missing.headers[.contentType]?.hasPrefix("application/json") == true)

            let wrongMethod = try await client.execute(uri: "/health", method: .post)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET")
            let wrongError = try #require(try TestApp.json(wrongMethod)["error"] as? [String: Any])
            #expect(wrongError["code"] as? String == "method_not_allowed")
            #expect((wrongError["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("a body over the limit gets 413 from its declared length, before it is read")
    func bodyLimit() async throws {
        try await TestApp.run(environment: ["SERVER_MAX_BODY_SIZE_MB": "1"]) { client, _, _ in
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024 * 1024 + 1)
            let response = try await client.execute(uri: "/api/sessions", method: .post, body: body)
            #expect(response.status == .contentTooLarge)
            let error = try #require(try TestApp.json(response)["error"] as? [String: Any])
            #expect(error["code"] as? String == "payload_too_large")
        }
    }

    @Test("one JSON log line per request with the documented fields")
    func requestLog() async throws {
        try await TestApp.run { client, logs, _ in
            _ = try await client.execute(uri: "/live", method: .get)
            let line = try #require(logs.all.first { $0.contains("\"path\":\"/live\"") })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for field in ["time", "level", "msg", "method", "path", "status", "duration_ms", "client_ip", "request_id"] {
                #expect(object[field] != nil, "log line lacks \(field)")
            }
            #expect(object["status"] as? Int == 200)
            #expect(object["method"] as? String == "GET")
            #expect(object["client_ip"] as? String == "127.0.0.1")
        }
    }

    @Test("CORS answers allowed origins only")
    func cors() async throws {
        let environment = ["CORS_ENABLED": "true", "CORS_ALLOWED_ORIGINS": "https://app.example"]
        try await TestApp.run(environment: environment) { client, _, _ in
            let preflight = try await client.execute(
                uri: "/health", method: .options,
                headers: [.origin: "https://app.example", .accessControlRequestMethod: "GET"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("X-API-Key") == true)

            let allowed = try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://app.example"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://app.example")
            let refused = try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://evil.example"])
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("CORS is off by default")
    func corsOff() async throws {
        try await TestApp.run { client, _, _ in
            let response = try await client.execute(uri: "/health", method: .get, headers: [.origin: "https://app.example"])
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
