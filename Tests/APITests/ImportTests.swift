import Foundation
@testable import Ingest
import Storage
import TestSupport
import Testing

@Suite("Importing transcript files")
struct ImportTests {
    @Test("slices of any size store the same as one pass, and importing again stores nothing", arguments: TestDatabase.backends)
    func slices(backend: StorageBackend) async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl")
        var reference: [String] = []
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let importer = TestCorpus.importer(into: storage)
            let result = await importer.importFile(file)
            #expect(result.error == nil)
            #expect(result.counts.malformed == 0)
            reference = try await IngestTests.snapshot(storage)
        }
        try await TestDatabase.withMigratedStorage(backend) { storage in
            var importer = TestCorpus.importer(into: storage)
            importer.sliceBytes = 100_000
            let first = await importer.importFile(file)
            #expect(first.error == nil)
            #expect(first.counts.inserted > 0)
            let sliced = try await IngestTests.snapshot(storage)
            #expect(sliced == reference)
            let again = await importer.importFile(file)
            #expect(again.counts.inserted == 0)
            #expect(again.counts.duplicates == first.counts.inserted)
        }
        // Slices written in many small pieces, each parsed while the one before is written.
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let importer = TranscriptFileImporter(
                sink: DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20, pieceBytes: 20_000),
                maxLineBytes: 16 << 20)
            let result = await importer.importFile(file)
            #expect(result.error == nil)
            let pieced = try await IngestTests.snapshot(storage)
            #expect(pieced == reference)
        }
    }

    @Test("a slice is one transaction: a bad line in a later piece stores nothing of it; a failing database ends the slice with its error",
          arguments: TestDatabase.backends)
    func sliceIsOneTransaction(backend: StorageBackend) async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl")
        let good = Array(try Data(contentsOf: file))
        // Invalid UTF-8 refuses the whole slice; it sits in its last piece of many.
        let bad = good + Array(#"{"type":"user","uuid":"x","sessionId":"s","message":{"content":""#.utf8) + [0xFF, 0xFE]
            + Array(#""}}"#.utf8) + [0x0A]
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let sink = DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20, pieceBytes: 20_000)
            #expect(bad.count > 3 * 20_000)
            await #expect(throws: IngestAccumulator.Rejection.self) {
                _ = try await sink.store(bad, offset: 0, fileSessionID: "file", endOfFile: true)
            }
            let stored = try await storage.sessions(matching: SessionFilter(), cursor: nil, limit: 10)
            #expect(stored.total == 0)
            let outcome = try await sink.store(good, offset: 0, fileSessionID: "file", endOfFile: true)
            #expect(outcome.counts.inserted > 0)

            await storage.database.close()
            await #expect(throws: StorageError.self) {
                _ = try await sink.store(good, offset: 0, fileSessionID: "file", endOfFile: true)
            }
        }
    }

    @Test("on SQLite a slice of many batches writes its search terms as a few full-text segments, not one per batch")
    func fewSearchSegments() async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl")
        let bytes = [UInt8](try Data(contentsOf: file))
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            // Segments left unmerged: the structure record then counts every one written.
            try await storage.database.write { connection in
                try connection.query("INSERT INTO entries_fts (entries_fts, rank) VALUES ('automerge', 0)")
                try connection.query("INSERT INTO entries_fts (entries_fts, rank) VALUES ('crisismerge', 1000)")
            }
            let sink = DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20, pieceBytes: 20_000)
            let pieces = (bytes.count + 19_999) / 20_000
            _ = try await sink.store(bytes, offset: 0, fileSessionID: "file", endOfFile: true)
            let structure = try await storage.database.read { try $0.query("SELECT block FROM entries_fts_data WHERE id = 10") }
            guard case .blob(let block)? = structure.first?["block"] else {
                Issue.record("no FTS5 structure record")
                return
            }
            // After a 4-byte cookie: the number of levels, then of segments, as varints.
            var position = 4
            func varint() -> Int {
                var value = 0
                while position < block.count {
                    let byte = block[position]
                    position += 1
                    value = value << 7 | Int(byte & 0x7F)
                    if byte & 0x80 == 0 { break }
                }
                return value
            }
            _ = varint()
            let segments = varint()
            #expect(pieces > 100)
            // A statement that opens a savepoint (RETURNING, a multi-row INSERT) in the
            // transaction makes FTS5 write a segment there: one per batch, over a hundred here.
            #expect((1...4).contains(segments), "\(segments) segments for \(pieces) pieces")
        }
    }

    @Test("an importer reads a file in its sink's slices unless told otherwise: 32 MB for the database")
    func sinkSetsSliceSize() async throws {
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            let sink = DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20)
            #expect(sink.sliceBytes == 32 << 20)
            #expect(TranscriptFileImporter(sink: sink, maxLineBytes: 16 << 20).sliceBytes == sink.sliceBytes)
            #expect(TranscriptFileImporter(sink: sink, maxLineBytes: 16 << 20, sliceBytes: 1000).sliceBytes == 1000)
        }
    }

    @Test("a slice is read from its offset, and is short at the end of the file")
    func readSlice() throws {
        let folder = try TestPaths.temporaryDirectory("cci-read")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("s.jsonl")
        try Data("0123456789".utf8).write(to: file)
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        #expect(try TranscriptFileImporter.read(handle, at: 2, count: 4) == Array("2345".utf8))
        #expect(try TranscriptFileImporter.read(handle, at: 7, count: 100) == Array("789".utf8))
        #expect(try TranscriptFileImporter.read(handle, at: 10, count: 5) == [])
        #expect(try TranscriptFileImporter.read(handle, at: 0, count: 0) == [])
    }

    @Test("bytes stored piece by piece store what one piece stores: lines cut between pieces, lines without a session waiting across pieces, one outcome per session",
          arguments: TestDatabase.backends)
    func piecesStoreWhatOnePieceStores(backend: StorageBackend) async throws {
        let body = Array("""
            {"type":"file-history-snapshot","messageId":"m0","snapshot":{"messageId":"m0"}}
            {"type":"user","uuid":"a1","sessionId":"A","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"first"}}
            {"type":"file-history-snapshot","messageId":"m1","snapshot":{"messageId":"m1"}}
            {"type":"user","uuid":"b1","sessionId":"B","timestamp":"2026-01-01T00:00:01Z","message":{"role":"user","content":"other"}}
            {"type":"assistant","uuid":"a2","parentUuid":"a1","sessionId":"A","timestamp":"2026-01-01T00:00:02Z","message":{"role":"assistant","content":[{"type":"text","text":"back"}]}}
            {"type":"file-history-snapshot","messageId":"m2","snapshot":{"messageId":"m2"}}

            """.utf8)
        func stored(pieceBytes: Int) async throws -> (snapshot: [String], outcomes: [IngestOutcome], report: IngestReport) {
            var result: ([String], [IngestOutcome], IngestReport)?
            try await TestDatabase.withMigratedStorage(backend) { storage in
                var accumulator = IngestAccumulator(redact: true, limits: .init(maxLineBytes: 1 << 20))
                let (outcomes, report) = try await IngestTransaction.store(
                    body, parsingWith: &accumulator, into: storage, acceptUnterminatedTail: true, deriving: true, pieceBytes: pieceBytes)
                result = (try await IngestTests.snapshot(storage), outcomes, report)
            }
            return try #require(result)
        }
        let whole = try await stored(pieceBytes: body.count)
        let pieced = try await stored(pieceBytes: 7)
        #expect(pieced.snapshot == whole.snapshot)
        #expect(pieced.report.lines == 6 && pieced.report.nextOffset == Int64(body.count))
        // m0 waits for the first session; m1 and m2 join the session last seen, A.
        #expect(pieced.outcomes == [IngestOutcome(sessionID: "A", inserted: 5, duplicates: 0, created: true),
                                    IngestOutcome(sessionID: "B", inserted: 1, duplicates: 0, created: true)])
        #expect(pieced.outcomes == whole.outcomes)
    }

    @Test("reading on from an offset stores only what follows; a torn last line waits until it is complete",
          arguments: TestDatabase.backends)
    func resumeFromOffset(backend: StorageBackend) async throws {
        let source = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl")
        let whole = try Data(contentsOf: source)
        let lines = whole.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) + Data([0x0A]) }
        let half = lines.count / 2
        let folder = try TestPaths.temporaryDirectory("cci-resume")
        let live = folder.appendingPathComponent(source.lastPathComponent)
        var reference: [String] = []
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = await TestCorpus.importer(into: storage).importFile(source)
            reference = try await IngestTests.snapshot(storage)
        }
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let importer = TestCorpus.importer(into: storage)
            try Data(lines[..<half].joined()).write(to: live)
            let first = await importer.importFile(live)
            #expect(first.counts.lines == half)
            #expect(first.nextOffset == Int64(lines[..<half].reduce(0) { $0 + $1.count }))

            // The rest arrives, with the next line still being written.
            let torn = lines[lines.count - 1].prefix(lines[lines.count - 1].count / 2)
            let handle = try FileHandle(forWritingTo: live)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(lines[half..<(lines.count - 1)].joined()) + torn)
            let second = await importer.importFile(live, from: first.nextOffset)
            #expect(second.error == nil)
            #expect(second.counts.lines == lines.count - 1 - half, "only the complete lines after the offset")
            #expect(second.nextOffset == Int64(whole.count - lines[lines.count - 1].count), "the torn line waits")

            try handle.write(contentsOf: lines[lines.count - 1].dropFirst(torn.count))
            try handle.close()
            let third = await importer.importFile(live, from: second.nextOffset)
            #expect(third.counts.lines == 1)
            #expect(third.nextOffset == Int64(whole.count))
            #expect(try await IngestTests.snapshot(storage) == reference)
        }
    }

    @Test("a run cut off after storing but before deriving is finished by the next run", arguments: TestDatabase.backends)
    func cutOffBeforeFlush(backend: StorageBackend) async throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl")
        let sessionID = file.deletingPathExtension().lastPathComponent
        var reference: [String] = []
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = await TestCorpus.importer(into: storage).importFile(file)
            reference = try await IngestTests.snapshot(storage)
        }
        try await TestDatabase.withMigratedStorage(backend) { storage in
            // The slices but the last are stored, then the process dies before its flush (the
            // file ends with a newline, so without `endOfFile` every line is still stored).
            let sink = DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20)
            let stored = try await sink.store([UInt8](try Data(contentsOf: file)), offset: 0, fileSessionID: sessionID, endOfFile: false)
            #expect(stored.counts.inserted > 0)
            #expect(try await storage.session(id: sessionID)?.entryCount == 0, "not derived yet")

            // Its offsets were never saved, so the next run reads the file again: every entry
            // is a duplicate, and the session is still derived.
            let rerun = await TestCorpus.importer(into: storage).importFile(file)
            #expect(rerun.error == nil)
            #expect(rerun.counts.inserted == 0)
            #expect(try await IngestTests.snapshot(storage) == reference)
        }
    }

    @Test("finds transcripts and subagent files below a folder")
    func discovery() throws {
        let found = TranscriptFileImporter.transcripts(under: TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter"))
        #expect(found.contains { $0.path.hasSuffix("subagents/agent-a881341.jsonl") })
        #expect(found.allSatisfy { $0.pathExtension == "jsonl" })
        #expect(found.count >= 9)
    }
}
