import Foundation
import Ingest
import Storage

/// The shared corpus for backup tests: all of it, or a sample small enough for every
/// backend test to store in about a second (real transcripts with a subagent and its
/// parent). Both add the edge cases, the search fixtures, and a session whose text holds
/// every character COPY and SQL must escape.
public enum TestCorpus {
    /// Corpus files the sample holds, relative to the corpus folder.
    public static let files = [
        "transcripts/marot__spotter/short.jsonl",
        "transcripts/marot__spotter/tool_heavy.jsonl",
        "transcripts/marot__spotter/258c7280-ae70-4798-800f-63464d01a85d/subagents/agent-acompact-fffbd0.jsonl",
        "transcripts/DRMacIver__claude-reliability/coverage-test-fix.jsonl",
        "transcripts/thomasahle__trace-taxi/claude-test.jsonl",
        "transcripts/mattjoyce__vestig/session.jsonl",
    ]

    /// Text with tabs, newlines, carriage returns, backslashes, quotes, a line that is only
    /// `\.`, COPY's `\N`, emoji and combining characters.
    public static let awkwardText = "tab\there\nnew line\r\nback\\slash \\N \\.\n\\.\nquote ' \" $$ 😀 e\u{301} \u{8}\u{b}\u{c} end"

    /// Search queries whose results the backup tests compare: the search fixtures' and
    /// the real transcripts' words, narrow and broad.
    public static let queries = [
        "session token", "invoice", "ECONNREFUSED", "test", "error", "file", "rust OR python", "awkward",
        "multiply_numbers", "pharmacovigilance case", "xterm.js tmux", "\"modified content\"", "spotter-gqc", "solana -demo",
    ]

    /// Stores the sample in `storage`.
    public static func ingestSample(into storage: any SessionStore) async throws {
        try await ingest(files.map { TestPaths.corpus.appendingPathComponent($0) }, into: storage)
    }

    /// Stores every transcript of the corpus, with the same edge cases and additions as the
    /// sample: what the backup drill and the move to PostgreSQL are proven with.
    public static func ingestAll(into storage: any SessionStore) async throws {
        try await ingest(TranscriptFileImporter.transcripts(under: TestPaths.corpus.appendingPathComponent("transcripts")), into: storage)
    }

    private static func ingest(_ transcripts: [URL], into storage: any SessionStore) async throws {
        let importer = importer(into: storage)
        let paths = transcripts + TranscriptFileImporter.transcripts(under: TestPaths.corpus.appendingPathComponent("edge-cases"))
        for path in paths {
            let result = await importer.importFile(path)
            if let error = result.error { throw SampleError(description: "\(path.lastPathComponent): \(error)") }
        }
        _ = try await storage.ingest(TestFixtures.searchCorpus)
        _ = try await storage.ingest([SessionBatch(sessionID: "awkward", entries: [
            TestFixtures.entry("w1", "human_prompt", "awkward characters: " + awkwardText, seq: 0, branch: "we\\ird\tbranch"),
            TestFixtures.entry("w2", "assistant_text", "awkward reply", seq: 1, isError: true),
        ])])
    }

    /// An importer straight into `storage`, redacting, with a 16 MB line limit.
    public static func importer(into storage: any SessionStore) -> TranscriptFileImporter {
        TranscriptFileImporter(
            sink: DatabaseSink(store: storage, destination: "test", redact: true, maxLineBytes: 16 << 20), maxLineBytes: 16 << 20)
    }

    struct SampleError: Error, CustomStringConvertible {
        let description: String
    }
}
