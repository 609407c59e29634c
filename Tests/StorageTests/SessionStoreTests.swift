import Foundation
import Storage
import TestSupport
import Testing

@Suite("Session store on both backends")
struct SessionStoreTests {
    /// A small conversation with a rewind: b1 was abandoned, b2 continues to c.
    static func conversation(session: String = "s-1", cwd: String = "/home/me/app", offset: Int64 = 0) -> [EntryRecord] {
        func entry(_ uuid: String, parent: String?, seq: Int64, kind: String, type: String = "user", time: String,
                   message: String? = nil, usage: TokenUsage = .zero, text: String, branch: String = "main",
                   model: String? = nil, isError: Bool = false) -> EntryRecord {
            EntryRecord(
                uuid: uuid, parentUUID: parent, sequence: offset + seq, type: type, kind: kind, isSidechain: false,
                timestamp: time, toolName: nil, isError: isError, messageID: message, requestID: message.map { "req-\($0)" },
                model: model, cwd: cwd, gitBranch: branch, version: "2.1.39", usage: usage, text: text,
                raw: "{\"uuid\":\"\(uuid)\"}")
        }
        return [
            entry("a", parent: nil, seq: 0, kind: "human_prompt", time: "2026-01-01T10:00:00.000Z", text: "Fix the login bug"),
            // One API response written as two lines: usage must count once.
            entry("b1", parent: "a", seq: 100, kind: "assistant_text", type: "assistant", time: "2026-01-01T10:00:01.000Z",
                  message: "m1", usage: TokenUsage(input: 10, output: 5), text: "Looking", model: "claude-opus-4-6"),
            entry("b1t", parent: "b1", seq: 200, kind: "tool_call", type: "assistant", time: "2026-01-01T10:00:02.000Z",
                  message: "m1", usage: TokenUsage(input: 10, output: 5), text: "Bash ls", model: "claude-opus-4-6"),
            entry("b2", parent: "a", seq: 300, kind: "assistant_text", type: "assistant", time: "2026-01-01T10:01:00.000Z",
                  message: "m2", usage: TokenUsage(input: 20, output: 7, cacheRead: 3), text: "Fixed it", branch: "fix-login",
                  model: "claude-opus-4-6"),
            entry("c", parent: "b2", seq: 400, kind: "tool_result", time: "2026-01-01T10:02:00.000Z", text: "error: boom",
                  branch: "fix-login", isError: true),
            EntryRecord(uuid: "sha256:abc", parentUUID: nil, sequence: offset + 500, type: "file-history-snapshot",
                        kind: "bookkeeping", isSidechain: false, timestamp: nil, toolName: nil, isError: false,
                        messageID: nil, requestID: nil, model: nil, cwd: nil, gitBranch: nil, version: nil,
                        usage: .zero, text: "", raw: "{\"type\":\"file-history-snapshot\"}"),
        ]
    }

    func withStorage(_ backend: StorageBackend, _ body: (SQLStorage) async throws -> Void) async throws {
        try await TestDatabase.withMigratedStorage(backend, body)
    }

    @Test("ingest derives the session's metadata and statistics", arguments: TestDatabase.backends)
    func derivedSummary(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let outcome = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: Self.conversation())])
            #expect(outcome == [IngestOutcome(sessionID: "s-1", inserted: 6, duplicates: 0, created: true)])
            let session = try #require(try await storage.session(id: "s-1"))
            #expect(session.title == "Fix the login bug")
            #expect(session.project?.path == "/home/me/app")
            #expect(session.project?.name == "app")
            #expect(session.gitBranches == ["main", "fix-login"])
            #expect(session.versions == ["2.1.39"])
            #expect(session.models == ["claude-opus-4-6"])
            #expect(session.firstAt == "2026-01-01T10:00:00.000Z")
            #expect(session.lastAt == "2026-01-01T10:02:00.000Z")
            #expect(session.entryCount == 6)
            #expect(session.errorCount == 1)
            #expect(session.kindCounts == ["human_prompt": 1, "assistant_text": 2, "tool_call": 1, "tool_result": 1, "bookkeeping": 1])
            #expect(session.usage == TokenUsage(input: 30, output: 12, cacheCreation: 0, cacheRead: 3))
            // The rewound branch (b1, b1t) and the bookkeeping line are off the main chain.
            #expect(session.mainChainCount == 3)
            let chain = try await storage.entries(of: "s-1", matching: EntryFilter(), cursor: nil, limit: 50)
            #expect(chain.items.map(\.uuid) == ["a", "b2", "c"])
            let all = try await storage.entries(of: "s-1", matching: EntryFilter(mainChainOnly: false), cursor: nil, limit: 50)
            #expect(all.items.map(\.uuid) == ["a", "b1", "b1t", "b2", "c", "sha256:abc"])
        }
    }

    @Test("the main chain follows the newest leaf whatever the line types on it, and moves when a branch grows",
          arguments: TestDatabase.backends)
    func mainChainAcrossTypes(backend: StorageBackend) async throws {
        func line(_ uuid: String, parent: String?, type: String, kind: String, second: Int, sidechain: Bool = false) -> EntryRecord {
            EntryRecord(
                uuid: uuid, parentUUID: parent, sequence: Int64(second), type: type, kind: kind, isSidechain: sidechain,
                timestamp: "2026-01-01T10:00:\(second < 10 ? "0" : "")\(second).000Z", toolName: nil, isError: false,
                messageID: nil, requestID: nil, model: nil, cwd: "/home/me/app", gitBranch: "main", version: nil,
                usage: .zero, text: uuid, raw: "{\"uuid\":\"\(uuid)\"}")
        }
        func chain(_ storage: SQLStorage) async throws -> [String] {
            try await storage.entries(of: "s-1", matching: EntryFilter(), cursor: nil, limit: 50).items.map(\.uuid)
        }
        try await withStorage(backend) { storage in
            // A progress line is a link of the chain; an older reply (x) and a sidechain are not.
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                line("a", parent: nil, type: "user", kind: "human_prompt", second: 1),
                line("x", parent: "a", type: "assistant", kind: "assistant_text", second: 2),
                line("s", parent: "a", type: "assistant", kind: "assistant_text", second: 9, sidechain: true),
                line("p", parent: "a", type: "progress", kind: "system_event", second: 3),
            ])])
            #expect(try await chain(storage) == ["a", "p"])
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                line("c", parent: "p", type: "assistant", kind: "assistant_text", second: 4),
            ])])
            #expect(try await chain(storage) == ["a", "p", "c"])
            // The older branch grows past the other: the chain moves to it.
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                line("y", parent: "x", type: "user", kind: "human_prompt", second: 5),
            ])])
            #expect(try await chain(storage) == ["a", "x", "y"])
            #expect(try await storage.session(id: "s-1")?.mainChainCount == 3)
        }
    }

    @Test("until a session is derived, new lines carry the first guess: conversation turns outside sidechains",
          arguments: TestDatabase.backends)
    func mainChainGuessBeforeDeriving(backend: StorageBackend) async throws {
        func line(_ uuid: String, type: String, sidechain: Bool = false) -> EntryRecord {
            Self.line(uuid, seq: Int64(uuid.utf8.first!), type: type, kind: "system_event", text: uuid, sidechain: sidechain)
        }
        try await withStorage(backend) { storage in
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                line("a", type: "user"), line("b", type: "assistant"), line("c", type: "attachment"), line("d", type: "system"),
                line("e", type: "progress"), line("f", type: "file-history-snapshot"), line("g", type: "assistant", sidechain: true),
            ])], deriving: false)
            let listed = try await storage.entries(of: "s-1", matching: EntryFilter(), cursor: nil, limit: 50)
            #expect(listed.items.map(\.uuid) == ["a", "b", "c", "d"])
        }
    }

    /// A line of `type` and `kind` with only what the derivations here read.
    static func line(_ uuid: String, seq: Int64, type: String, kind: String, text: String,
                     toolName: String? = nil, toolUseID: String? = nil, sidechain: Bool = false) -> EntryRecord {
        EntryRecord(
            uuid: uuid, parentUUID: nil, sequence: seq, type: type, kind: kind, isSidechain: sidechain, timestamp: nil,
            toolName: toolName, toolUseID: toolUseID, isError: false, messageID: nil, requestID: nil, model: nil, cwd: nil,
            gitBranch: nil, version: nil, usage: .zero, text: text, raw: "{\"uuid\":\"\(uuid)\"}")
    }

    @Test("the title: custom-title beats ai-title beats summary beats the first prompt; of a type the newest non-empty line",
          arguments: TestDatabase.backends)
    func titleSources(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            // Each upload adds a better source; the title follows it.
            let uploads: [(lines: [EntryRecord], title: String)] = [
                ([Self.line("p0", seq: 0, type: "user", kind: "human_prompt", text: ""),
                  Self.line("p1", seq: 1, type: "user", kind: "human_prompt", text: "First words\nand more"),
                  Self.line("p2", seq: 2, type: "user", kind: "human_prompt", text: "Later words")], "First words"),
                ([Self.line("s1", seq: 3, type: "summary", kind: "compact_summary", text: "A summary")], "A summary"),
                ([Self.line("a1", seq: 4, type: "ai-title", kind: "title", text: "Older AI title"),
                  Self.line("a2", seq: 5, type: "ai-title", kind: "title", text: "Newer AI title"),
                  Self.line("a3", seq: 6, type: "ai-title", kind: "title", text: "")], "Newer AI title"),
                ([Self.line("c1", seq: 7, type: "custom-title", kind: "title", text: "Named by hand")], "Named by hand"),
            ]
            for upload in uploads {
                _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: upload.lines)])
                #expect(try await storage.session(id: "s-1")?.title == upload.title)
            }
        }
    }

    @Test("a tool result stored before its call is named when the call arrives", arguments: TestDatabase.backends)
    func toolResultNamedLater(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            func resultTool() async throws -> [String?] {
                try await storage.entries(of: "s-1", matching: EntryFilter(kinds: ["tool_result"], mainChainOnly: false),
                                          cursor: nil, limit: 10).items.map(\.toolName)
            }
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                Self.line("r1", seq: 10, type: "user", kind: "tool_result", text: "ok", toolUseID: "toolu_1"),
                Self.line("r2", seq: 11, type: "user", kind: "tool_result", text: "ok", toolUseID: "toolu_2"),
            ])])
            #expect(try await resultTool() == [nil, nil])
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                Self.line("c1", seq: 5, type: "assistant", kind: "tool_call", text: "ls", toolName: "Bash", toolUseID: "toolu_1"),
            ])])
            #expect(try await resultTool() == ["Bash", nil])
        }
    }

    @Test("ingesting again, or in any split, leaves the same state", arguments: TestDatabase.backends)
    func idempotent(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let entries = Self.conversation()
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: entries)])
            let first = try #require(try await storage.session(id: "s-1"))
            let again = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: entries)])
            #expect(again.first?.inserted == 0)
            #expect(again.first?.duplicates == 6)

            try await withStorage(backend) { other in
                // The same lines in three uneven chunks, the middle one sent twice, out of order.
                _ = try await other.ingest([SessionBatch(sessionID: "s-1", entries: Array(entries[3...]))])
                _ = try await other.ingest([SessionBatch(sessionID: "s-1", entries: Array(entries[1..<4]))])
                _ = try await other.ingest([SessionBatch(sessionID: "s-1", entries: Array(entries[1..<4]))])
                _ = try await other.ingest([SessionBatch(sessionID: "s-1", entries: Array(entries[0..<1]))])
                var split = try #require(try await other.session(id: "s-1"))
                var original = first
                // Only the bookkeeping times differ.
                (split.createdAt, split.updatedAt, original.createdAt, original.updatedAt) = ("", "", "", "")
                split.project?.id = 0
                original.project?.id = 0
                #expect(split == original)
            }
        }
    }

    @Test("a failing batch commits nothing, earlier batches of the same call included", arguments: TestDatabase.backends)
    func atomic(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            var bad = Self.conversation(session: "s-2")[0]
            bad.uuid = "x"
            bad.timestamp = "not a time"  // PostgreSQL refuses it; SQLite is given a NULL-violating row instead
            var batches = [SessionBatch(sessionID: "s-1", entries: Self.conversation())]
            if backend == .sqlite {
                batches.append(SessionBatch(sessionID: "s-2", parentSessionID: nil, entries: [bad]))
                // A foreign key to a session that cannot exist makes SQLite fail too.
                try await storage.database.write { try $0.executeScript("CREATE TRIGGER refuse BEFORE INSERT ON entries WHEN NEW.uuid = 'x' BEGIN SELECT RAISE(ABORT, 'refused'); END") }
            } else {
                batches.append(SessionBatch(sessionID: "s-2", entries: [bad]))
            }
            await #expect(throws: StorageError.self) { try await storage.ingest(batches) }
            #expect(try await storage.session(id: "s-1") == nil)
            #expect(try await storage.sessions(matching: SessionFilter(), cursor: nil, limit: 10).total == 0)
        }
    }

    @Test("listing filters by project, branch and dates, pages with a cursor, and counts the total",
          arguments: TestDatabase.backends)
    func listing(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            for index in 0..<5 {
                var entries = Self.conversation(cwd: index < 3 ? "/home/me/app" : "/srv/other")
                for position in entries.indices where entries[position].timestamp != nil {
                    entries[position].timestamp = "2026-01-0\(index + 1)T10:0\(position):00.000Z"
                    // The first two sessions never leave main.
                    if index < 2 { entries[position].gitBranch = "main" }
                }
                _ = try await storage.ingest([SessionBatch(sessionID: "s-\(index)", entries: entries)])
            }
            let all = try await storage.sessions(matching: SessionFilter(), cursor: nil, limit: 2)
            #expect(all.total == 5)
            #expect(all.items.map(\.id) == ["s-4", "s-3"])
            let second = try await storage.sessions(matching: SessionFilter(), cursor: all.nextCursor, limit: 2)
            #expect(second.items.map(\.id) == ["s-2", "s-1"])
            let third = try await storage.sessions(matching: SessionFilter(), cursor: second.nextCursor, limit: 2)
            #expect(third.items.map(\.id) == ["s-0"])
            #expect(third.nextCursor == nil)

            #expect(try await storage.sessions(matching: SessionFilter(project: "other"), cursor: nil, limit: 10).items.map(\.id) == ["s-4", "s-3"])
            #expect(try await storage.sessions(matching: SessionFilter(project: "/home/me/app"), cursor: nil, limit: 10).total == 3)
            #expect(try await storage.sessions(matching: SessionFilter(branch: "fix-login"), cursor: nil, limit: 10).total == 3)
            #expect(try await storage.sessions(matching: SessionFilter(branch: "main"), cursor: nil, limit: 10).total == 5)
            #expect(try await storage.sessions(matching: SessionFilter(branch: "nope"), cursor: nil, limit: 10).total == 0)
            let ranged = try await storage.sessions(
                matching: SessionFilter(from: "2026-01-02T00:00:00.000Z", to: "2026-01-03T23:59:59.000Z"), cursor: nil, limit: 10)
            #expect(ranged.items.map(\.id) == ["s-2", "s-1"])
            await #expect(throws: InvalidCursor.self) {
                try await storage.sessions(matching: SessionFilter(), cursor: "garbage!", limit: 2)
            }
        }
    }

    @Test("entries page in file order and filter by kind", arguments: TestDatabase.backends)
    func entryPaging(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: Self.conversation())])
            let first = try await storage.entries(of: "s-1", matching: EntryFilter(mainChainOnly: false), cursor: nil, limit: 4)
            #expect(first.items.count == 4)
            #expect(first.total == 6)
            let rest = try await storage.entries(of: "s-1", matching: EntryFilter(mainChainOnly: false), cursor: first.nextCursor, limit: 4)
            #expect(rest.items.map(\.uuid) == ["c", "sha256:abc"])
            #expect(rest.nextCursor == nil)
            let tools = try await storage.entries(of: "s-1", matching: EntryFilter(kinds: ["tool_call", "tool_result"], mainChainOnly: false), cursor: nil, limit: 10)
            #expect(tools.items.map(\.uuid) == ["b1t", "c"])
            #expect(tools.items.last?.isError == true)
            #expect(tools.items.first?.raw == "{\"uuid\":\"b1t\"}")
        }
    }

    @Test("subagent sessions link to their parent and go with it on delete", arguments: TestDatabase.backends)
    func subagentsAndDelete(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            // The subagent arrives first: its parent row is created and filled in later.
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1:agent-a1", parentSessionID: "s-1", agentID: "a1",
                                                       entries: Self.conversation(session: "s-1:agent-a1"))])
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: Self.conversation())])
            #expect(try await storage.subagents(of: "s-1").map(\.id) == ["s-1:agent-a1"])
            #expect(try await storage.sessions(matching: SessionFilter(), cursor: nil, limit: 10).items.map(\.id) == ["s-1"])
            #expect(try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 10).total == 2)
            func mainChainRows() async throws -> Int? {
                try await storage.database.read { try $0.query("SELECT count(*) AS n FROM main_chain_entries")[0]["n"].int }
            }
            #expect(try await mainChainRows() ?? 0 > 0)

            #expect(try await storage.deleteSession(id: "s-1"))
            #expect(try await storage.session(id: "s-1") == nil)
            #expect(try await storage.session(id: "s-1:agent-a1") == nil)
            #expect(try await storage.entries(of: "s-1", matching: EntryFilter(mainChainOnly: false), cursor: nil, limit: 10).total == 0)
            // The main chain's rows went with their entries.
            #expect(try await mainChainRows() == 0)
            #expect(try await storage.deleteSession(id: "s-1") == false)
        }
    }
}
