import Foundation
@testable import Ingest
@testable import Storage
import TestSupport
import Testing

/// SQLite keeps the scan of a session it creates while a bulk import writes it, so that
/// deriving needs no second pass over the rows; these hold it to the pass it replaces.
@Suite("Sessions derived from the scan kept while writing them (SQLite)")
struct PendingScanTests {
    /// A line with what derivation reads: a prompt or a reply, or another line type.
    static func line(_ uuid: String, parent: String?, seq: Int64, type: String = "user", text: String = "") -> EntryRecord {
        let kind = type == "user" ? "human_prompt" : type == "assistant" ? "assistant_text" : "system_event"
        return EntryRecord(
            uuid: uuid, parentUUID: parent, sequence: seq, type: type, kind: kind, isSidechain: false,
            timestamp: "2026-01-01T10:00:\(seq < 10 ? "0" : "")\(seq).000Z", toolName: nil, isError: false,
            messageID: nil, requestID: nil, model: nil, cwd: "/home/me/app", gitBranch: "main", version: nil,
            usage: .zero, text: text.isEmpty ? uuid : text, raw: "{\"uuid\":\"\(uuid)\"}")
    }

    @Test("every corpus session derived from its kept scan reads the same as derived again from its rows: at the flush, or in the file's last slice",
          arguments: [false, true])
    func corpusMatchesReadBack(derivedInLastSlice: Bool) async throws {
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            let sink = DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20, pieceBytes: 64 << 10)
            let files = TranscriptFileImporter.transcripts(under: TestPaths.corpus.appendingPathComponent("transcripts"))
            var stored = 0
            for file in files {
                let bytes = [UInt8](try Data(contentsOf: file))
                let outcome = try await sink.store(bytes, offset: 0, fileSessionID: file.deletingPathExtension().lastPathComponent,
                                                   endOfFile: derivedInLastSlice)
                stored += outcome.counts.inserted
            }
            #expect(stored > 5000)
            // Every entry stored is in a kept scan until its session is derived.
            #expect(storage.pendingScans?.entries == (derivedInLastSlice ? 0 : stored))
            _ = try await sink.flush()
            #expect(storage.pendingScans?.entries == 0)
            let fromScans = try await IngestTests.snapshot(storage)
            let all = try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 1000)
            try await storage.refreshSessions(Set(all.items.map(\.id)))
            #expect(try await IngestTests.snapshot(storage) == fromScans)
        }
    }

    @Test("PostgreSQL keeps no scan: a session written without deriving is read back when derived",
          arguments: TestDatabase.backends.filter { $0 == .postgres })
    func postgresReadsBack(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            #expect(storage.pendingScans == nil)
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                Self.line("a", parent: nil, seq: 1, text: "the first prompt"), Self.line("b", parent: "a", seq: 2, type: "assistant"),
            ])], deriving: false)
            try await storage.refreshSessions(["s-1"])
            let session = try #require(try await storage.session(id: "s-1"))
            #expect(session.entryCount == 2 && session.mainChainCount == 2 && session.title == "the first prompt")
        }
    }

    @Test("a kept scan is set aside when another writer stored entries of its session meanwhile")
    func otherWriterAddedEntries() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { database, storage in
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [Self.line("a", parent: nil, seq: 1)])], deriving: false)
            let other = try database.openStorage()
            _ = try await other.ingest([SessionBatch(sessionID: "s-1", entries: [Self.line("x", parent: "a", seq: 2)])], deriving: false)
            await other.close()
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [Self.line("b", parent: "a", seq: 3)])], deriving: false)
            try await storage.refreshSessions(["s-1"])
            let session = try #require(try await storage.session(id: "s-1"))
            #expect(session.entryCount == 3)
        }
    }

    @Test("a kept scan is set aside when another writer derived its session meanwhile")
    func otherWriterDerived() async throws {
        try await TestDatabase.withMigratedDatabase(.sqlite) { database, storage in
            // A progress line, guessed off the main chain, ends the chain when the other
            // writer derives; the reply written after it takes its place.
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                Self.line("a", parent: nil, seq: 1), Self.line("p", parent: "a", seq: 2, type: "progress"),
            ])], deriving: false)
            let other = try database.openStorage()
            try await other.refreshSessions(["s-1"])
            await other.close()
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [
                Self.line("r", parent: "a", seq: 3, type: "assistant"),
            ])], deriving: false)
            try await storage.refreshSessions(["s-1"])
            let chain = try await storage.entries(of: "s-1", matching: EntryFilter(), cursor: nil, limit: 10)
            #expect(chain.items.map(\.uuid) == ["a", "r"])
        }
    }

    @Test("lines stored out of file order are derived in file order")
    func outOfOrder() async throws {
        let first = Self.line("a", parent: nil, seq: 1, text: "the first prompt")
        let second = Self.line("b", parent: "a", seq: 2, text: "the second prompt")
        var reference: [String] = []
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [first, second])])
            reference = try await IngestTests.snapshot(storage)
        }
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [second])], deriving: false)
            _ = try await storage.ingest([SessionBatch(sessionID: "s-1", entries: [first])], deriving: false)
            try await storage.refreshSessions(["s-1"])
            #expect(try await storage.session(id: "s-1")?.title == "the first prompt")
            #expect(try await IngestTests.snapshot(storage) == reference)
        }
    }

    @Test("scans are kept up to a number of entries, the longest kept going first, and not once out of file order")
    func keptWithinBounds() {
        func scan(_ count: Int, from start: Int64 = 0) -> SessionScan {
            var scan = SessionScan()
            for seq in start..<(start + Int64(count)) {
                scan.add(id: seq + 1, entry: Self.line("u\(seq)", parent: nil, seq: seq), onMainChain: true)
            }
            return scan
        }
        let pending = PendingScans(maximumEntries: 10)
        pending.keep(["a": scan(6)])
        pending.keep(["b": scan(3)])
        #expect(pending.entries == 9)
        pending.keep(["c": scan(4)])
        #expect(pending.entries == 7)
        #expect(pending.take("a") == nil)
        #expect(pending.take("b")?.ids.count == 3)
        var backwards = scan(2, from: 5)
        backwards.add(id: 99, entry: Self.line("early", parent: nil, seq: 1), onMainChain: true)
        pending.keep(["d": backwards])
        #expect(pending.take("d") == nil)
        #expect(pending.entries == 4)
    }
}
