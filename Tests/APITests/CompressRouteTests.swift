import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@Suite("POST /api/sessions/compress over a real socket")
struct CompressRouteTests {
    static let json: HTTPFields = [.contentType: "application/json", .init("X-API-Key")!: TestApp.adminSecret]
    static let corpusFile = "transcripts/marot__spotter/tool_heavy.jsonl"
    static let corpusSession = "d6e0bada-1959-4eec-a9d2-0bfade768d8f"

    static func post(_ client: any TestClientProtocol, _ uri: String, _ body: [String: Any]) async throws -> (TestResponse, [String: Any]) {
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try await client.execute(uri: uri, method: .post, headers: json, body: ByteBuffer(bytes: data))
        return (response, (try? TestApp.json(response)) ?? [:])
    }

    static func errorMessage(_ body: [String: Any]) -> String {
        (body["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test("a stored session and the same transcript posted as content compress alike at every level", arguments: TestDatabase.backends)
    func storedAndPosted(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            let bytes = Array(try Data(contentsOf: TestPaths.corpus.appendingPathComponent(Self.corpusFile)))
            let (upload, _) = try await IngestTests.upload(client, bytes)
            #expect(upload.status == .created)
            for level in ["structural", "spine", "digest"] {
                let (stored, body) = try await Self.post(client, "/api/sessions/compress",
                                                         ["session_id": Self.corpusSession, "level": level, "max_tokens": 600])
                #expect(stored.status == .ok, "\(body)")
                let (_, posted) = try await Self.post(client, "/api/sessions/compress",
                                                      ["content": String(decoding: bytes, as: UTF8.self), "level": level, "max_tokens": 600])
                #expect(body["text"] as? String == posted["text"] as? String, "\(level)")
                #expect(body["level"] as? String == level)
                #expect(body["session_id"] as? String == Self.corpusSession)
                let input = try #require(body["input_tokens"] as? Int)
                let output = try #require(body["output_tokens"] as? Int)
                #expect(output > 0 && output < input)
                #expect((body["ratio"] as? Double ?? 0) > 1)
                #expect(body["duration_ms"] is Double)
                #expect(body.keys.contains("model") && body.keys.contains("preset"))
                let recall = try #require(body["recall"] as? [String: Any])
                #expect((recall["total"] as? Int ?? 0) > 0)
                #expect(recall["dropped"] is [Any])
                if level == "digest" {
                    #expect(output <= 600)
                    #expect(body["fits_budget"] as? Bool == true)
                }
            }
        }
    }

    @Test("plain text content compresses as one request")
    func plainContent() async throws {
        try await TestApp.run { client, _, _ in
            let (response, body) = try await Self.post(client, "/api/sessions/compress",
                                                       ["content": "Move the cache to Redis, then benchmark it.", "level": "structural"])
            #expect(response.status == .ok)
            #expect((body["text"] as? String)?.contains("Move the cache to Redis, then benchmark it.") == true)
            #expect((body["facts"] as? [String: Any])?["requests"] as? Int == 1)
        }
    }

    @Test("bad input gets a clear 400, an unknown session 404, a body without conversation 422, another media type 415")
    func badInput() async throws {
        try await TestApp.run { client, _, _ in
            let cases: [([String: Any], String)] = [
                ([:], "send either session_id or content"),
                (["session_id": "a", "content": "b"], "send either session_id or content"),
                (["content": "x", "level": "tiny"], "level must be one of structural, spine, digest, summary"),
                (["content": "x", "level": "summary", "preset": "huge"], "preset must be one of balanced, fast"),
                (["content": "x", "level": "summary", "preset": "fast", "model": "m:1b"], "send either preset or model"),
                (["content": "x", "level": "summary", "fallback": "yes"], "fallback must be"),
                (["content": "x", "max_tokens": 0], "max_tokens must be from 1"),
                (["content": "x", "max_tokens": "many"], "max_tokens must be an integer"),
                (["content": "   "], "content must not be empty"),
                (["content": 5], "content must be a string"),
            ]
            for (body, message) in cases {
                let (response, answer) = try await Self.post(client, "/api/sessions/compress", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(Self.errorMessage(answer).contains(message), "\(body): \(answer)")
            }
            let (missing, answer) = try await Self.post(client, "/api/sessions/compress", ["session_id": "no-such-session"])
            #expect(missing.status == .notFound)
            #expect(Self.errorMessage(answer) == "no session no-such-session")

            let snapshotOnly = #"{"type":"file-history-snapshot","messageId":"m1","snapshot":{}}"#
            let (empty, emptyBody) = try await Self.post(client, "/api/sessions/compress", ["content": snapshotOnly])
            #expect(empty.status == .unprocessableContent)
            #expect((emptyBody["error"] as? [String: Any])?["code"] as? String == "nothing_to_compress")

            let text = try await client.execute(uri: "/api/sessions/compress", method: .post,
                                                headers: [.contentType: "text/plain", .init("X-API-Key")!: TestApp.adminSecret],
                                                body: ByteBuffer(string: "hello"))
            #expect(text.status == .unsupportedMediaType)
        }
    }
}
