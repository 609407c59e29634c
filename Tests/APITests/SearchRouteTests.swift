import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import TestSupport
import Testing

@Suite("GET /api/sessions/search over a real socket")
struct SearchRouteTests {
    static func search(_ client: any TestClientProtocol, _ query: String) async throws -> (TestResponse, [String: Any]) {
        let response = try await client.execute(uri: "/api/sessions/search?" + query, method: .get, headers: TestApp.admin)
        return (response, try TestApp.json(response))
    }

    @Test("results grouped by session with snippets, then flat by entry, paged by cursor", arguments: TestDatabase.backends)
    func groupedAndFlat(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let (grouped, body) = try await Self.search(client, "q=session%20token")
            #expect(grouped.status == .ok)
            #expect(body["total"] as? Int == 2)
            #expect(body["group"] as? String == "session")
            #expect(body["mode"] as? String == "full_text")
            let results = try #require(body["results"] as? [[String: Any]])
            #expect(Set(results.compactMap { $0["session_id"] as? String }) == ["auth", "billing"])
            let firstHit = try #require((results.first?["hits"] as? [[String: Any]])?.first)
            for field in ["session_id", "session_title", "project", "branch", "timestamp", "entry_uuid", "kind", "score", "snippet"] {
                #expect(firstHit[field] != nil, "hit lacks \(field)")
            }
            #expect((firstHit["snippet"] as? String)?.contains("<mark>") == true)

            let (_, page1) = try await Self.search(client, "q=invoices%20OR%20token&group=entry&limit=2")
            #expect(page1["total"] as? Int == 4)
            #expect((page1["results"] as? [Any])?.count == 2)
            let cursor = try #require(page1["next_cursor"] as? String)
            let (_, page2) = try await Self.search(client, "q=invoices%20OR%20token&group=entry&limit=2&cursor=\(cursor)")
            #expect((page2["results"] as? [Any])?.count == 2)
            #expect(page2["next_cursor"] is NSNull)
            let first = (page1["results"] as? [[String: Any]] ?? []).compactMap { $0["entry_uuid"] as? String }
            let second = (page2["results"] as? [[String: Any]] ?? []).compactMap { $0["entry_uuid"] as? String }
            #expect(Set(first).isDisjoint(with: second))
        }
    }

    @Test("filters reach the store")
    func filters() async throws {
        try await TestApp.run { client, _, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let (_, byBranch) = try await Self.search(client, "q=token&group=entry&branch=invoices")
            #expect((byBranch["results"] as? [[String: Any]])?.map { $0["entry_uuid"] as? String } == ["b2"])
            let (_, errors) = try await Self.search(client, "q=parse_args&group=entry&kinds=tool_result&errors=true")
            #expect((errors["results"] as? [[String: Any]])?.map { $0["entry_uuid"] as? String } == ["a4"])
            let (_, thinking) = try await Self.search(client, "q=memcached&group=entry")
            #expect(thinking["total"] as? Int == 0)
            let (_, all) = try await Self.search(client, "q=memcached&group=entry&kinds=all")
            #expect(all["total"] as? Int == 1)
            let (_, dated) = try await Self.search(client, "q=token&group=entry&from=2026-02-15")
            #expect((dated["results"] as? [[String: Any]])?.map { $0["entry_uuid"] as? String } == ["b2"])
        }
    }

    @Test("bad parameters get 400 naming the parameter",
          arguments: [
              ("", "q is required"),
              ("q=", "q is required"),
              ("q=" + String(repeating: "a", count: 1025), "at most 1024 bytes"),
              ("q=%21%21%21", "q:"),
              ("q=-redis", "q:"),
              ("q=x&group=files", "group"),
              ("q=x&kinds=tool_result,dreams", "kinds"),
              ("q=x&from=yesterday", "from"),
              ("q=x&to=2026-13-45", "to"),
              ("q=x&from=2026-03-01&to=2026-02-01", "from must not be after to"),
              ("q=x&limit=ten", "limit"),
              ("q=x&errors=maybe", "errors"),
              ("q=x&cursor=abc", "cursor"),
          ])
    func badParameters(query: String, message: String) async throws {
        try await TestApp.run { client, _, _ in
            let (response, body) = try await Self.search(client, query)
            #expect(response.status == .badRequest)
            let error = try #require(body["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains(message) == true, "\(error)")
        }
    }

    @Test("a cursor from another search is refused; limit is capped")
    func cursorAndLimit() async throws {
        try await TestApp.run { client, _, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let (_, page) = try await Self.search(client, "q=invoices&group=entry&limit=1")
            let cursor = try #require(page["next_cursor"] as? String)
            let (reused, _) = try await Self.search(client, "q=token&group=entry&limit=1&cursor=\(cursor)")
            #expect(reused.status == .badRequest)
            let (capped, _) = try await Self.search(client, "q=invoices&limit=100000")
            #expect(capped.status == .ok)
        }
    }

    @Test("search needs read:sessions")
    func permission() async throws {
        try await TestApp.run { client, _, _ in
            let anonymous = try await client.execute(uri: "/api/sessions/search?q=x", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }
}
