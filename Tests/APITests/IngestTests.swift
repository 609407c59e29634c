import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import Storage
import TestSupport
import Testing

@Suite("Ingest over a real socket")
struct IngestTests {
    static let ndjson: HTTPFields = [.contentType: "application/x-ndjson", .init("X-API-Key")!: TestApp.adminSecret]

    static func upload(_ client: any TestClientProtocol, _ bytes: [UInt8], headers: HTTPFields = ndjson,
                       uri: String = "/api/sessions") async throws -> (TestResponse, [String: Any]) {
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        return (response, (try? TestApp.json(response)) ?? [:])
    }

    /// Every stored session with all its entries, for comparing whole states.
    static func snapshot(_ storage: any Storage) async throws -> [String] {
        var lines: [String] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func text(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let sessions = try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 1000)
        for var session in sessions.items.sorted(by: { $0.id < $1.id }) {
            (session.createdAt, session.updatedAt) = ("", "")
            lines.append(try text(session))
            var cursor: String?
            repeat {
                let page = try await storage.entries(of: session.id, matching: EntryFilter(mainChainOnly: false), cursor: cursor, limit: 500)
                lines += try page.items.map(text)
                cursor = page.nextCursor
            } while cursor != nil
        }
        return lines
    }

    @Test("every corpus transcript uploads with its lines stored, and uploading again changes nothing",
          arguments: TestDatabase.backends)
    func corpus(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            let files = try CorpusFile.all().filter { $0.relativePath.hasPrefix("transcripts/") }
            var expectedLines = 0
            for file in files {
                let bytes = Array(try Data(contentsOf: file.path))
                let (response, body) = try await Self.upload(client, bytes)
                #expect(response.status == .created || response.status == .ok, "\(file.relativePath): \(body)")
                #expect(body["lines"] as? Int == file.lines, "\(file.relativePath)")
                #expect((body["malformed"] as? [String: Any])?["count"] as? Int == 0)
                expectedLines += file.lines
            }
            let before = try await Self.snapshot(storage)
            let stored = try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 1000)
            #expect(stored.items.reduce(0) { $0 + $1.entryCount } <= expectedLines)
            #expect(stored.items.contains { $0.parentSessionID != nil }, "subagent transcripts link to their parent")

            for file in files.prefix(5) {
                let (_, body) = try await Self.upload(client, Array(try Data(contentsOf: file.path)))
                let sessions = body["sessions"] as? [[String: Any]] ?? []
                #expect(sessions.allSatisfy { $0["inserted"] as? Int == 0 && $0["created"] as? Bool == false })
            }
            let after = try await Self.snapshot(storage)
            #expect(after.count == before.count)
            let firstDifference = zip(before, after).first { $0 != $1 }
            #expect(firstDifference == nil, "\(String(describing: firstDifference).prefix(1500))")
        }
    }

    @Test("appending by byte offset in any split gives the same state as one upload", arguments: TestDatabase.backends)
    func resumableAppend(backend: StorageBackend) async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/tool_heavy.jsonl")
        let bytes = Array(try Data(contentsOf: file))
        let whole = NIOLockedValueBox<[String]>([])
        try await TestApp.run(backend: backend) { client, _, storage in
            _ = try await Self.upload(client, bytes)
            let snapshot = try await Self.snapshot(storage)
            whole.withLockedValue { $0 = snapshot }
        }
        try await TestApp.run(backend: backend) { client, _, storage in
            var generator = SystemRandomNumberGenerator()
            var offset = 0
            var span = 0
            while offset < bytes.count {
                // Chunks end anywhere, mid-line included; each request resends from next_offset.
                span = span == 0 ? Int.random(in: 1...4000, using: &generator) : span * 2
                let end = min(bytes.count, offset + span)
                let (response, body) = try await Self.upload(
                    client, Array(bytes[offset..<end]), uri: "/api/sessions/d6e0bada-1959-4eec-a9d2-0bfade768d8f/entries?offset=\(offset)")
                #expect(response.status == .created || response.status == .ok, "\(body)")
                let next = try #require(body["next_offset"] as? Int)
                #expect(next >= offset && next <= end)
                #expect(body["pending_bytes"] as? Int == end - next)
                // No complete line in this chunk: try again from the same place with a longer one.
                if next > offset { span = 0 }
                offset = next
            }
            let appended = try await Self.snapshot(storage)
            let expected = whole.withLockedValue { $0 }
            #expect(!appended.isEmpty)
            #expect(appended.count == expected.count)
            let firstDifference = zip(expected, appended).first { $0 != $1 }
            #expect(firstDifference == nil, "\(String(describing: firstDifference).prefix(1500))")
        }
    }

    @Test("appends with derive=false store entries only; a refresh derives the session as one upload would",
          arguments: TestDatabase.backends)
    func deferredDerivation(backend: StorageBackend) async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/tool_heavy.jsonl")
        let bytes = Array(try Data(contentsOf: file))
        let id = "d6e0bada-1959-4eec-a9d2-0bfade768d8f"
        let whole = NIOLockedValueBox<[String]>([])
        try await TestApp.run(backend: backend) { client, _, storage in
            _ = try await Self.upload(client, bytes)
            let snapshot = try await Self.snapshot(storage)
            whole.withLockedValue { $0 = snapshot }
        }
        try await TestApp.run(backend: backend) { client, _, storage in
            let half = bytes[..<(bytes.count / 2)].lastIndex(of: 0x0A)! + 1
            for (start, end) in [(0, half), (half, bytes.count)] {
                let (response, body) = try await Self.upload(
                    client, Array(bytes[start..<end]), uri: "/api/sessions/\(id)/entries?offset=\(start)&derive=false")
                #expect(response.status == .created || response.status == .ok, "\(body)")
            }
            let stored = try #require(try await storage.session(id: id))
            #expect(stored.entryCount == 0 && stored.mainChainCount == 0, "derived too early: \(stored)")

            let refreshed = try await client.execute(uri: "/api/sessions/\(id)/refresh", method: .post, headers: Self.ndjson)
            #expect(refreshed.status == .ok)
            let detail = try TestApp.json(refreshed)
            #expect(detail["id"] as? String == id && (detail["entry_count"] as? Int ?? 0) > 0, "\(detail)")
            let after = try await Self.snapshot(storage)
            let expected = whole.withLockedValue { $0 }
            #expect(after.count == expected.count)
            let firstDifference = zip(expected, after).first { $0 != $1 }
            #expect(firstDifference == nil, "\(String(describing: firstDifference).prefix(1500))")

            let unknown = try await client.execute(uri: "/api/sessions/no-such/refresh", method: .post, headers: Self.ndjson)
            #expect(unknown.status == .notFound)
        }
    }

    @Test("an unterminated last line is held back, unless eof=true says the file is finished")
    func endOfFile() async throws {
        try await TestApp.run { client, _, storage in
            let first = Array(#"{"type":"user","uuid":"e1","sessionId":"s-eof","message":{"role":"user","content":"one"}}"#.utf8) + [0x0A]
            let last = Array(#"{"type":"user","uuid":"e2","sessionId":"s-eof","message":{"role":"user","content":"two"}}"#.utf8)
            let (_, held) = try await Self.upload(client, first + last, uri: "/api/sessions/s-eof/entries?offset=0")
            #expect(held["lines"] as? Int == 1)
            #expect(held["pending_bytes"] as? Int == last.count)
            let (_, taken) = try await Self.upload(client, first + last, uri: "/api/sessions/s-eof/entries?offset=0&eof=true")
            #expect(taken["lines"] as? Int == 2)
            #expect(taken["pending_bytes"] as? Int == 0)
            #expect(taken["next_offset"] as? Int == first.count + last.count)
            #expect(try await storage.session(id: "s-eof")?.entryCount == 2)
        }
    }

    @Test("the same file uploaded by two clients at once is stored once", arguments: TestDatabase.backends)
    func concurrentUploads(backend: StorageBackend) async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl")
        let bytes = Array(try Data(contentsOf: file))
        let reference = NIOLockedValueBox<[String]>([])
        try await TestApp.run(backend: backend) { client, _, storage in
            _ = try await Self.upload(client, bytes)
            let snapshot = try await Self.snapshot(storage)
            reference.withLockedValue { $0 = snapshot }
        }
        try await TestApp.run(backend: backend) { client, _, storage in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 { group.addTask { Int(try await Self.upload(client, bytes).0.status.code) } }
                for try await status in group { #expect(status == 200 || status == 201) }
            }
            let stored = try await Self.snapshot(storage)
            #expect(stored == reference.withLockedValue { $0 })
        }
    }

    @Test("one upload with several sessionIds makes several sessions; malformed lines are reported, not fatal")
    func severalSessionsAndMalformed() async throws {
        try await TestApp.run { client, _, storage in
            let text = """
                {"type":"user","uuid":"a1","sessionId":"s-a","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"first session"}}
                this is not json
                {"type":"user","uuid":"b1","sessionId":"s-b","timestamp":"2026-01-02T00:00:00Z","message":{"role":"user","content":"second session"}}
                [1,2,3]
                {"type":"some-future-type","sessionId":"s-b","payload":{"x":1}}

                """
            let (response, body) = try await Self.upload(client, Array(text.utf8))
            #expect(response.status == .created)
            #expect((body["sessions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["s-a", "s-b"])
            let malformed = try #require(body["malformed"] as? [String: Any])
            #expect(malformed["count"] as? Int == 2)
            #expect(malformed["lines"] as? [Int] == [2, 4])
            #expect(try await storage.session(id: "s-b")?.entryCount == 2)
        }
    }

    @Test("secrets are masked in everything stored, raw lines included, and counted")
    func redaction() async throws {
        try await TestApp.run { client, _, storage in
            let line = #"{"type":"user","uuid":"r1","sessionId":"s-r","message":{"role":"user","content":"use AKIAIOSFODNN7EXAMPLE and DB_PASSWORD=hunter2hunter2"}}"#
            let (_, body) = try await Self.upload(client, Array((line + "\n").utf8))
            #expect(body["redactions"] as? Int == 2)
            let entries = try await storage.entries(of: "s-r", matching: EntryFilter(mainChainOnly: false), cursor: nil, limit: 10)
            let stored = try #require(entries.items.first)
            for text in [stored.raw, stored.text] {
                #expect(!text.contains("AKIAIOSFODNN7EXAMPLE"))
                #expect(!text.contains("hunter2hunter2"))
                #expect(text.contains("[REDACTED:aws_access_key]"))
            }
        }
    }

    @Test("plain content as JSON becomes a session; sending it again changes nothing")
    func plainContent() async throws {
        try await TestApp.run { client, _, storage in
            let headers: HTTPFields = [.contentType: "application/json", .init("X-API-Key")!: TestApp.adminSecret]
            let body = #"{"name": "Design notes", "project": "/work/notes", "content": "We chose GCRA for rate limits."}"#
            let (first, answer) = try await Self.upload(client, Array(body.utf8), headers: headers)
            #expect(first.status == .created)
            let id = try #require((answer["sessions"] as? [[String: Any]])?.first?["id"] as? String)
            let session = try #require(try await storage.session(id: id))
            #expect(session.title == "Design notes")
            #expect(session.project?.path == "/work/notes")
            let (second, _) = try await Self.upload(client, Array(body.utf8), headers: headers)
            #expect(second.status == .ok)
            #expect(try await storage.sessions(matching: SessionFilter(), cursor: nil, limit: 10).total == 1)
        }
    }

    @Test("bad uploads get the documented status and store nothing",
          arguments: [
              ("empty", 400), ("content type", 415), ("invalid utf8", 400), ("not jsonl", 400),
              ("line too long", 413), ("body too large", 413), ("no session", 400), ("bad offset", 400),
              ("bad eof", 400), ("bad derive", 400),
          ])
    func badUploads(kind: String, status: Int) async throws {
        let environment = ["SERVER_MAX_BODY_SIZE_MB": "1", "INGEST_MAX_LINE_SIZE_MB": "1"]
        try await TestApp.run(environment: environment) { client, _, storage in
            let good = Array(#"{"type":"user","uuid":"g1","sessionId":"s-g","message":{"role":"user","content":"hi"}}"#.utf8) + [0x0A]
            var headers = Self.ndjson
            var bytes: [UInt8] = []
            var uri = "/api/sessions"
            switch kind {
            case "empty": bytes = []
            case "content type":
                headers[.contentType] = "text/csv"
                bytes = good
            case "invalid utf8": bytes = good + [0xC3, 0x28, 0x0A]
            case "not jsonl": bytes = Array("hello\nworld\n".utf8)
            case "line too long":
                headers[.contentType] = "application/x-ndjson"
                bytes = good + Array(repeating: UInt8(ascii: "x"), count: 1024 * 1024 + 10)
            case "body too large": bytes = good + Array(repeating: 0x20, count: 1024 * 1024)
            case "no session": bytes = Array(#"{"type":"summary","summary":"orphan"}"#.utf8) + [0x0A]
            case "bad offset":
                uri = "/api/sessions/s-g/entries?offset=-3"
                bytes = good
            case "bad eof":
                uri = "/api/sessions/s-g/entries?offset=0&eof=yes"
                bytes = good
            case "bad derive":
                uri = "/api/sessions/s-g/entries?offset=0&derive=later"
                bytes = good
            default: Issue.record("unknown case \(kind)")
            }
            let (response, body) = try await Self.upload(client, bytes, headers: headers, uri: uri)
            #expect(Int(response.status.code) == status, "\(kind): \(body)")
            #expect((body["error"] as? [String: Any])?["message"] as? String != nil)
            #expect(try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 10).total == 0)
        }
    }

    @Test("a large body is one session in the answer, and a bad line at its end stores none of it",
          arguments: TestDatabase.backends)
    func largeBody(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            // ~2.5 MB, as a bulk import's slices are.
            let text = String(repeating: "words ", count: 400)
            let lines = (0..<1_000).map { index in
                #"{"type":"user","uuid":"p\#(index)","sessionId":"s-pieces","message":{"role":"user","content":"\#(text)\#(index)"}}"#
            }
            let good = Array((lines.joined(separator: "\n") + "\n").utf8)
            #expect(good.count > 2 * 1024 * 1024)

            let (refused, _) = try await Self.upload(client, good + [0xC3, 0x28, 0x0A])
            #expect(refused.status == .badRequest)
            #expect(try await storage.session(id: "s-pieces") == nil)

            let (response, body) = try await Self.upload(client, good)
            #expect(response.status == .created)
            let sessions = try #require(body["sessions"] as? [[String: Any]])
            #expect(sessions.count == 1)
            #expect(sessions.first?["inserted"] as? Int == 1_000)
            #expect(sessions.first?["entry_count"] as? Int == 1_000)
        }
    }

    @Test("list, read, page entries and delete through the API", arguments: TestDatabase.backends)
    func readAndDelete(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, _ in
            let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/258c7280-ae70-4798-800f-63464d01a85d.jsonl")
            _ = try await Self.upload(client, Array(try Data(contentsOf: file)))
            let agent = file.deletingPathExtension().appendingPathComponent("subagents/agent-a881341.jsonl")
            _ = try await Self.upload(client, Array(try Data(contentsOf: agent)))
            let id = "258c7280-ae70-4798-800f-63464d01a85d"

            let list = try TestApp.json(try await client.execute(uri: "/api/sessions?project=spotter-gqc&limit=10", method: .get, headers: TestApp.admin))
            #expect(list["total"] as? Int == 1)
            let detail = try TestApp.json(try await client.execute(uri: "/api/sessions/\(id)", method: .get, headers: TestApp.admin))
            #expect(detail["title"] as? String == "Implement spotter-gqc")
            #expect((detail["subagents"] as? [[String: Any]])?.first?["id"] as? String == "\(id):agent-a881341")
            #expect((detail["usage"] as? [String: Any])?["output_tokens"] as? Int ?? 0 > 0)

            let page = try TestApp.json(try await client.execute(
                uri: "/api/sessions/\(id)/entries?kinds=human_prompt&limit=2", method: .get, headers: TestApp.admin))
            #expect((page["entries"] as? [[String: Any]])?.count == 2)
            #expect((page["entries"] as? [[String: Any]])?.allSatisfy { $0["kind"] as? String == "human_prompt" } == true)
            #expect(page["next_cursor"] as? String != nil)

            let badKind = try await client.execute(uri: "/api/sessions/\(id)/entries?kinds=dreams", method: .get, headers: TestApp.admin)
            #expect(badKind.status == .badRequest)
            let missing = try await client.execute(uri: "/api/sessions/nope", method: .get, headers: TestApp.admin)
            #expect(missing.status == .notFound)

            let deleted = try await client.execute(uri: "/api/sessions/\(id)", method: .delete, headers: TestApp.admin)
            #expect(deleted.status == .noContent)
            let gone = try await client.execute(uri: "/api/sessions/\(id):agent-a881341", method: .get, headers: TestApp.admin)
            #expect(gone.status == .notFound)
            let again = try await client.execute(uri: "/api/sessions/\(id)", method: .delete, headers: TestApp.admin)
            #expect(again.status == .notFound)
        }
    }
}
