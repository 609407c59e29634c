import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

/// Requests that write and read sessions, for the cache suites.
enum SessionRequests {
    static func line(session: String, uuid: String, text: String, agent: String? = nil) -> String {
        let agentField = agent.map { #","agentId":"\#($0)","isSidechain":true"# } ?? ""
        return #"{"type":"user","uuid":"\#(uuid)","sessionId":"\#(session)"\#(agentField),"timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"\#(text)"}}"#
    }

    static func upload(_ client: any TestClientProtocol, _ lines: [String]) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/sessions", method: .post,
            headers: [.contentType: "application/x-ndjson", .init("X-API-Key")!: TestApp.adminSecret],
            body: ByteBuffer(string: lines.joined(separator: "\n") + "\n"))
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: TestApp.admin)
    }

    static func delete(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .delete, headers: TestApp.admin)
    }

    static func compress(_ client: any TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/sessions/compress", method: .post,
            headers: [.contentType: "application/json", .init("X-API-Key")!: TestApp.adminSecret],
            body: ByteBuffer(string: body))
    }

    static func cacheStatus(_ response: TestResponse) -> String? {
        response.headers[HTTPField.Name("X-Cache")!]
    }

    static func total(_ response: TestResponse) throws -> Int? {
        try TestApp.json(response)["total"] as? Int
    }
}

@Suite("Response cache over a real socket")
struct ResponseCacheTests {
    typealias R = SessionRequests

    @Test("a search is answered from the cache until a write changes it")
    func searchInvalidatedByWrites() async throws {
        try await TestApp.run { client, _, _ in
            #expect(try await R.upload(client, [R.line(session: "s1", uuid: "u1", text: "the walrus migration")]).status == .created)
            let first = try await R.get(client, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(first) == "miss")
            #expect(try R.total(first) == 1)
            let second = try await R.get(client, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(second) == "hit")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            // Another parameter, or another order of the same ones, is another answer / the same one.
            #expect(R.cacheStatus(try await R.get(client, "/api/sessions/search?q=walrus&limit=5")) == "miss")
            #expect(R.cacheStatus(try await R.get(client, "/api/sessions/search?limit=5&q=walrus")) == "hit")

            #expect(try await R.upload(client, [R.line(session: "s2", uuid: "u2", text: "another walrus")]).status == .created)
            let afterUpload = try await R.get(client, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(afterUpload) == "miss")
            #expect(try R.total(afterUpload) == 2)

            #expect(try await R.delete(client, "/api/sessions/s1").status == .noContent)
            let afterDelete = try await R.get(client, "/api/sessions/search?q=walrus")
            #expect(R.cacheStatus(afterDelete) == "miss")
            #expect(try R.total(afterDelete) == 1)
            // Errors are not cached.
            #expect(R.cacheStatus(try await R.get(client, "/api/sessions/search?q=")) == nil)
        }
    }

    @Test("session details are cached per family: a subagent's write or a delete invalidates its parent")
    func sessionDetail() async throws {
        try await TestApp.run { client, _, _ in
            _ = try await R.upload(client, [R.line(session: "p1", uuid: "u1", text: "parent work")])
            #expect(R.cacheStatus(try await R.get(client, "/api/sessions/p1")) == "miss")
            let cached = try await R.get(client, "/api/sessions/p1")
            #expect(R.cacheStatus(cached) == "hit")
            #expect((try TestApp.json(cached)["subagents"] as? [Any])?.count == 0)

            _ = try await R.upload(client, [R.line(session: "p1", uuid: "x1", text: "subagent work", agent: "a7")])
            let withSubagent = try await R.get(client, "/api/sessions/p1")
            #expect(R.cacheStatus(withSubagent) == "miss")
            #expect((try TestApp.json(withSubagent)["subagents"] as? [Any])?.count == 1)

            #expect(try await R.delete(client, "/api/sessions/p1").status == .noContent)
            let gone = try await R.get(client, "/api/sessions/p1")
            #expect(gone.status == .notFound)
            #expect(try await R.get(client, "/api/sessions/p1:agent-a7").status == .notFound)
        }
    }

    @Test("a stored session's compression is cached until the session changes; posted content is not cached")
    func compression() async throws {
        try await TestApp.run { client, _, _ in
            _ = try await R.upload(client, [R.line(session: "c1", uuid: "u1", text: "please rename the walrus module")])
            let structural = #"{"session_id": "c1", "level": "structural"}"#
            let first = try await R.compress(client, structural)
            #expect(first.status == .ok)
            #expect(R.cacheStatus(first) == "miss")
            let second = try await R.compress(client, structural)
            #expect(R.cacheStatus(second) == "hit")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            #expect(R.cacheStatus(try await R.compress(client, #"{"session_id": "c1", "level": "spine"}"#)) == "miss")

            _ = try await R.upload(client, [R.line(session: "c1", uuid: "u2", text: "then add tests for the walrus module")])
            let afterWrite = try await R.compress(client, structural)
            #expect(R.cacheStatus(afterWrite) == "miss")
            #expect(String(buffer: afterWrite.body) != String(buffer: first.body))

            let posted = try await R.compress(client, #"{"content": "rename the walrus module", "level": "structural"}"#)
            #expect(posted.status == .ok)
            #expect(R.cacheStatus(posted) == nil)
            #expect(try await R.compress(client, #"{"session_id": "nope"}"#).status == .notFound)
        }
    }

    @Test("CACHE_ENABLED=false answers every read from the database")
    func disabled() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { client, _, storage in
            _ = try await R.upload(client, [R.line(session: "s1", uuid: "u1", text: "narwhal")])
            for _ in 0..<2 {
                let response = try await R.get(client, "/api/sessions/search?q=narwhal")
                #expect(response.status == .ok)
                #expect(R.cacheStatus(response) == nil)
            }
            // A write that bypasses the routes is seen at once, since nothing is cached.
            _ = try await storage.ingest([SessionBatch(sessionID: "s9", entries: [
                TestFixtures.entry("n9", "human_prompt", "narwhal again", seq: 0),
            ])])
            #expect(try R.total(try await R.get(client, "/api/sessions/search?q=narwhal")) == 2)
        }
    }
}
