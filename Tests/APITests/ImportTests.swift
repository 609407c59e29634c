import Foundation
import Ingest
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
            let importer = TranscriptFileImporter(store: storage, redact: true, maxLineBytes: 16 << 20)
            let result = await importer.importFile(file)
            #expect(result.error == nil)
            #expect(result.malformed == 0)
            reference = try await IngestTests.snapshot(storage)
        }
        try await TestDatabase.withMigratedStorage(backend) { storage in
            var importer = TranscriptFileImporter(store: storage, redact: true, maxLineBytes: 16 << 20)
            importer.sliceBytes = 100_000
            let first = await importer.importFile(file)
            #expect(first.error == nil)
            #expect(first.inserted > 0)
            let sliced = try await IngestTests.snapshot(storage)
            #expect(sliced == reference)
            let again = await importer.importFile(file)
            #expect(again.inserted == 0)
            #expect(again.duplicates == first.inserted)
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
