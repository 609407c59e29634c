import Foundation
import Search
import Storage
import TestSupport
import Testing

@Suite("Full-text search on both backends")
struct SearchStoreTests {
    func withCorpus(_ backend: StorageBackend, _ body: (SQLStorage) async throws -> Void) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            try await body(storage)
        }
    }

    func uuids(_ storage: SQLStorage, _ text: String, kinds: [String] = SearchRequest.defaultKinds,
               configure: (inout SearchRequest) -> Void = { _ in }) async throws -> [String] {
        var request = SearchRequest(query: try SearchQuery.parse(text), grouping: .entry, kinds: kinds)
        configure(&request)
        return try await storage.searchEntries(request, offset: 0).hits.map(\.entryUUID).sorted()
    }

    func expectHits(_ storage: SQLStorage, _ text: String, kinds: [String] = SearchRequest.defaultKinds, _ expected: [String],
                    configure: (inout SearchRequest) -> Void = { _ in }, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let found = try await uuids(storage, text, kinds: kinds, configure: configure)
        #expect(found == expected, "query \(text)", sourceLocation: sourceLocation)
    }

    @Test("code-aware words are findable", arguments: TestDatabase.backends)
    func codeAware(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            try await expectHits(storage, "UserService.swift", ["a2"])
            try await expectHits(storage, "ECONNREFUSED", ["a1"])
            try await expectHits(storage, "src/api/handlers.go", ["a3"])
            try await expectHits(storage, "handlers.go", ["a3"])
            try await expectHits(storage, "parse_args", kinds: ["tool_result"], ["a4"])
        }
    }

    @Test("AND by default, phrases, OR, exclusion and prefixes", arguments: TestDatabase.backends)
    func language(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            try await expectHits(storage, "session token", ["a2", "b2"])
            try await expectHits(storage, "session token invoices", ["b2"])
            try await expectHits(storage, #""token is refreshed""#, ["a2"])
            try await expectHits(storage, #""refreshed token""#, [])
            try await expectHits(storage, "ECONNREFUSED OR invoices", ["a1", "b1", "b2", "b3"])
            try await expectHits(storage, "session token -invoices", ["a2"])
            try await expectHits(storage, "invoic*", ["b1", "b2", "b3"])
            // Stemming: "fails" finds "failing"-style variants and "invoice" finds "invoices".
            try await expectHits(storage, "invoice", ["b1", "b2", "b3"])
        }
    }

    @Test("tool output and thinking are searched only when asked for", arguments: TestDatabase.backends)
    func kinds(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            try await expectHits(storage, "memcached", [])
            try await expectHits(storage, "memcached", kinds: ["thinking"], ["a5"])
            try await expectHits(storage, "panic", [])
            try await expectHits(storage, "panic", kinds: ["tool_result"], ["a4"])
        }
    }

    @Test("filters: project, branch, session, dates, tool, errors", arguments: TestDatabase.backends)
    func filters(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            try await expectHits(storage, "session", ["b2"], configure: { $0.branch = "invoices" })
            try await expectHits(storage, "session", ["a2"], configure: { $0.sessionID = "auth" })
            try await expectHits(storage, "session", ["a2", "b2"], configure: { $0.project = "shop" })
            try await expectHits(storage, "session", [], configure: { $0.project = "elsewhere" })
            try await expectHits(storage, "session", ["b2"], configure: { $0.from = "2026-02-15T00:00:00.000Z" })
            try await expectHits(storage, "session", ["a2"], configure: { $0.to = "2026-02-15T00:00:00.000Z" })
            try await expectHits(storage, "handlers", kinds: [], ["a3"], configure: { $0.toolName = "Edit" })
            try await expectHits(storage, "parse_args OR handlers", kinds: [], ["a4"], configure: { $0.errorsOnly = true })
        }
    }

    @Test("results group by session with their best hits, ranked, with marked snippets", arguments: TestDatabase.backends)
    func grouping(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            let request = SearchRequest(query: try SearchQuery.parse("invoices OR token"), limit: 10, hitsPerSession: 2)
            let (sessions, total) = try await storage.searchSessions(request, offset: 0)
            #expect(total == 2)
            #expect(Set(sessions.map(\.sessionID)) == ["auth", "billing"])
            let billing = try #require(sessions.first { $0.sessionID == "billing" })
            #expect(billing.hitCount == 3)
            #expect(billing.hits.count == 2)
            #expect(billing.hits[0].score >= billing.hits[1].score)
            #expect(billing.hits.allSatisfy { $0.snippet.contains("<mark>") })
            #expect(billing.hits[0].sessionTitle == "Add invoices to the billing page")
            #expect(billing.hits[0].project == "shop")
            #expect(sessions[0].score >= sessions[1].score)

            let second = try await storage.searchSessions(
                SearchRequest(query: try SearchQuery.parse("invoices OR token"), limit: 1), offset: 1)
            #expect(second.sessions.count == 1)
            #expect(second.sessions[0].sessionID == sessions[1].sessionID)
            #expect(second.total == 2, "the total comes with every page")

            // A page past the end is empty and still knows the total, grouped or not.
            let beyond = try await storage.searchSessions(request, offset: 5)
            #expect(beyond.sessions.isEmpty)
            #expect(beyond.total == 2)
            let entries = try await storage.searchEntries(SearchRequest(query: request.query, grouping: .entry), offset: 0)
            #expect(entries.total == 4)
            let entriesBeyond = try await storage.searchEntries(SearchRequest(query: request.query, grouping: .entry), offset: 50)
            #expect(entriesBeyond.hits.isEmpty)
            #expect(entriesBeyond.total == entries.total)
        }
    }

    @Test("hostile queries run without errors", arguments: TestDatabase.backends)
    func hostile(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            for text in [#"NEAR(a b)"#, "a:b", "'; DROP TABLE entries; --", #"\"#, "token^2", "{x}", "AND", "the", "a & b | !c", "x:*"] {
                guard let query = try? SearchQuery.parse(text) else { continue }
                _ = try await storage.searchEntries(SearchRequest(query: query, grouping: .entry), offset: 0)
                _ = try await storage.searchSessions(SearchRequest(query: query), offset: 0)
            }
        }
    }

    @Test("an entry is indexed once however often it is stored; new entries stored beside known ones are indexed",
          arguments: TestDatabase.backends)
    func storedAgain(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            var billing = TestFixtures.searchCorpus[1]
            billing.entries.insert(
                TestFixtures.entry("b4", "assistant_text", "Archived invoices move to cold storage", seq: 3, branch: "invoices"), at: 1)
            _ = try await storage.ingest([billing])
            try await expectHits(storage, "invoices", ["b1", "b2", "b3", "b4"])
            try await expectHits(storage, "cold storage", ["b4"])
            try await expectHits(storage, "token", ["a2", "b2"])
            if backend == .sqlite {
                // FTS5 compares its index with every row of the entries table: one the index
                // lacks fails the check. (An id indexed again replaces itself.)
                try await storage.database.write {
                    try $0.executeScript("INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 1)")
                }
            }
        }
    }

    @Test("deleting a session removes it from the index", arguments: TestDatabase.backends)
    func deleteUnindexes(backend: StorageBackend) async throws {
        try await withCorpus(backend) { storage in
            #expect(try await storage.deleteSession(id: "billing"))
            try await expectHits(storage, "invoices", [])
            try await expectHits(storage, "token", ["a2"])
        }
    }
}
