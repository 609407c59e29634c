import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing
import Transcript

@Suite("POST /api/context/restore over a real socket")
struct RestoreRouteTests {
    /// A small session in `/work/<project>` whose prompts mention `topic`.
    static func session(_ id: String, project: String, topic: String, minute: Int) -> [UInt8] {
        let lines: [[String: Any]] = [
            ["type": "user", "uuid": "\(id)-1", "sessionId": id, "cwd": "/work/\(project)", "gitBranch": "main",
             "timestamp": "2026-03-01T10:\(minute):00Z", "message": ["role": "user", "content": "Please fix the \(topic) handling"]],
            ["type": "assistant", "uuid": "\(id)-2", "parentUuid": "\(id)-1", "sessionId": id, "cwd": "/work/\(project)",
             "timestamp": "2026-03-01T10:\(minute):30Z",
             "message": ["role": "assistant", "content": [["type": "text", "text": "Fixed the \(topic) handling in \(topic).swift."]]]],
        ]
        let text = lines.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        return Array(text.utf8)
    }

    static func restore(_ client: any TestClientProtocol, _ body: [String: Any], query: String = "") async throws -> (TestResponse, [String: Any]) {
        try await CompressRouteTests.post(client, "/api/context/restore" + query, body)
    }

    @Test("named sessions: a pack within max_tokens citing sessions and entries; hook and markdown formats",
          arguments: TestDatabase.backends)
    func named(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            let corpus = Array(try Data(contentsOf: TestPaths.corpus.appendingPathComponent(CompressRouteTests.corpusFile)))
            _ = try await IngestTests.upload(client, corpus)
            _ = try await IngestTests.upload(client, Self.session("alpha-1", project: "alpha", topic: "zebra", minute: 10))
            let ids = [CompressRouteTests.corpusSession, "alpha-1"]
            for budget in [100, 400, 1500, 30_000] {
                let (response, body) = try await Self.restore(client, ["session_ids": ids, "max_tokens": budget])
                #expect(response.status == .ok, "\(body)")
                let markdown = try #require(body["markdown"] as? String)
                #expect(TokenEstimator.estimate(markdown) <= budget)
                #expect(body["tokens"] as? Int == TokenEstimator.estimate(markdown))
                let parts = body["sessions"] as? [[String: Any]] ?? []
                #expect(parts.count + (body["omitted_sessions"] as? [String] ?? []).count == 2)
                if budget >= 1500 {
                    #expect(markdown.contains("## Session alpha-1"))
                    #expect(markdown.contains("entry alpha-1-1"))
                    #expect(markdown.contains("## Session \(CompressRouteTests.corpusSession)"))
                }
            }
            let (hook, hookBody) = try await Self.restore(client, ["session_ids": ["alpha-1"], "max_tokens": 500], query: "?format=hook")
            #expect(hook.status == .ok)
            let output = try #require(hookBody["hookSpecificOutput"] as? [String: Any])
            #expect(output["hookEventName"] as? String == "SessionStart")
            let context = try #require(output["additionalContext"] as? String)
            #expect(context.contains("Please fix the zebra handling"))
            #expect(TokenEstimator.estimate(context) <= 500)

            let (markdown, _) = try await Self.restore(client, ["session_ids": ["alpha-1"], "format": "markdown"])
            #expect(markdown.headers[.contentType] == "text/markdown; charset=utf-8")
            #expect(String(buffer: markdown.body).hasPrefix("# Context from earlier sessions"))
        }
    }

    @Test("a project's sessions: found by query, else the most recent", arguments: TestDatabase.backends)
    func project(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            _ = try await IngestTests.upload(client, Self.session("alpha-1", project: "alpha", topic: "zebra", minute: 10))
            _ = try await IngestTests.upload(client, Self.session("alpha-2", project: "alpha", topic: "giraffe", minute: 20))
            _ = try await IngestTests.upload(client, Self.session("beta-1", project: "beta", topic: "zebra", minute: 30))

            let (found, foundBody) = try await Self.restore(client, ["project": "alpha", "query": "zebra", "max_tokens": 2000])
            #expect(found.status == .ok, "\(foundBody)")
            #expect((foundBody["sessions"] as? [[String: Any]])?.compactMap { $0["session_id"] as? String } == ["alpha-1"])

            let (recent, recentBody) = try await Self.restore(client, ["project": "alpha", "limit": 1, "max_tokens": 2000])
            #expect(recent.status == .ok)
            #expect((recentBody["sessions"] as? [[String: Any]])?.compactMap { $0["session_id"] as? String } == ["alpha-2"])

            let (none, noneBody) = try await Self.restore(client, ["project": "gamma", "max_tokens": 2000])
            #expect(none.status == .ok)
            #expect((noneBody["sessions"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("bad input gets a clear 400; an unknown session 404")
    func badInput() async throws {
        try await TestApp.run { client, _, _ in
            let cases: [([String: Any], String, String)] = [
                ([:], "", "send either session_ids or project"),
                (["session_ids": ["a"], "project": "p"], "", "send either session_ids or project"),
                (["session_ids": []], "", "session_ids must name 1 to 20 sessions"),
                (["session_ids": ["a"], "query": "x"], "", "query and limit go with project"),
                (["project": "p", "max_tokens": 10], "", "max_tokens must be from 100"),
                (["project": "p", "format": "xml"], "", "format must be one of json, markdown, hook"),
                (["project": "p"], "?format=yaml", "format must be one of json, markdown, hook"),
                (["project": "p", "query": "-zebra"], "", "query: the query needs at least one word"),
            ]
            for (body, query, message) in cases {
                let (response, answer) = try await Self.restore(client, body, query: query)
                #expect(response.status == .badRequest, "\(body)")
                #expect(CompressRouteTests.errorMessage(answer).contains(message), "\(body): \(answer)")
            }
            let (missing, answer) = try await Self.restore(client, ["session_ids": ["nope"]])
            #expect(missing.status == .notFound)
            #expect(CompressRouteTests.errorMessage(answer) == "no session nope")
        }
    }
}
