import Foundation
import Ingest
import Search
import Storage
import TestSupport
import Testing

/// Queries a person would type to find a session of the corpus they remember, with the
/// session they mean.
@Suite("Search quality on the real corpus")
struct SearchQualityTests {
    static let labelled: [(query: String, session: String)] = [
        ("multiply_numbers test", "c64cc478-3430-40fe-8e9c-4ee9986e9754"),
        ("hello.sh Hello world", "de3b8b19-5bc0-4a2a-934a-1b6806567e25"),
        ("port python project to rust", "c7d3d95c-57f0-4359-8f4b-926a9bef5a3f"),
        (#""modified content" test.txt"#, "cb88ae13-898d-4076-aeb5-bc37191c5d2e"),
        ("docstring src/main.py", "e4743781-d0f5-4f75-b17c-6d22d30c5885"),
        ("pharmacovigilance case", "dbea81d5-9c8d-465e-934a-a8857a479d61"),
        ("mix phx.server doesnt start", "55604662-cf2a-4331-851a-ec234028f8ca"),
        ("create the beads", "491e126e-1e71-469c-ade2-fcc8af567c74"),
        ("xterm.js scrolling tmux", "d6e0bada-1959-4eec-a9d2-0bfade768d8f"),
        ("renamed folder matterbase", "1321587a-7c75-494a-8e66-6a7e33d79fdf"),
        ("bollywood worldwide gross", "b90b1f0d-a621-4cd9-ab50-9f3bb6ff4c35"),
        ("trace.jsonl phoenix", "2cfdee17-e6e1-4f21-b1fe-746ed419839c"),
        ("TodoItem component", "fe5e1c67-53e7-4862-81ae-d0e013e3270b"),
        ("package.json dependencies Demo", "5c0375b4-57a5-4f26-b12d-d022ee4e51b7"),
        ("implement spotter-gqc", "258c7280-ae70-4798-800f-63464d01a85d"),
        ("bd show spotter-dov", "4d5611e5-241a-462a-8d15-5122611a9569"),
        ("solana demo transactions", "4774e917-cdfa-4bd4-bc10-ede8d0d21c8e"),
        ("cute sticky notes", "bd282509-c6ca-4b2e-ad2d-3d9cd0bb8be5"),
        ("blockint skills", "3065c678-2605-4707-9a03-a9c2b0cf758e"),
        ("retained status reviewer", "dbea81d5-9c8d-465e-934a-a8857a479d61"),
    ]

    @Test("the expected session is in the top 3 for at least 90% of labelled queries", arguments: TestDatabase.backends)
    func topThree(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let importer = TestCorpus.importer(into: storage)
            for file in TranscriptFileImporter.transcripts(under: TestPaths.corpus.appendingPathComponent("transcripts")) {
                let result = await importer.importFile(file)
                #expect(result.error == nil, "\(file.lastPathComponent): \(result.error ?? "")")
            }
            var misses: [String] = []
            for (text, expected) in Self.labelled {
                let request = SearchRequest(query: try SearchQuery.parse(text), limit: 3)
                let top = try await storage.searchSessions(request, offset: 0).sessions.map(\.sessionID)
                if !top.contains(expected) { misses.append("\(text) → \(top)") }
            }
            let hitRate = Double(Self.labelled.count - misses.count) / Double(Self.labelled.count)
            #expect(hitRate >= 0.9, "misses: \(misses)")
        }
    }
}
