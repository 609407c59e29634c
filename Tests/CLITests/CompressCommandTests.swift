import Foundation
import TestSupport
import Testing

@Suite("cci compress")
struct CompressCommandTests {
    static let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/tool_heavy.jsonl").path

    @Test("prints a level's text, with its measurements on stderr")
    func one() async throws {
        let digest = try await CLIProcess.run(["compress", "--level", "digest", "--max-tokens", "300", Self.file])
        #expect(digest.status == 0, "\(digest.errors)")
        #expect(digest.output.hasPrefix("# Session digest"))
        #expect(digest.errors.contains("digest: "))
        #expect(digest.errors.contains("recall"))

        let spine = try await CLIProcess.run(["compress", "--level", "spine", Self.file])
        #expect(spine.output.contains("### User · entry "))

        let bad = try await CLIProcess.run(["compress", "--level", "tiny", Self.file])
        #expect(bad.status != 0)
        #expect(bad.errors.contains("--level must be one of structural, spine, digest"))
    }

    @Test("--report measures every level on every file of a folder, with totals")
    func report() async throws {
        let folder = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter").path
        let run = try await CLIProcess.run(["compress", "--report", folder])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("tool_heavy.jsonl"))
        #expect(run.output.contains("transcripts; parsing them took"))
        for level in ["structural", "spine", "digest"] {
            #expect(run.output.split(separator: "\n").contains { $0.hasPrefix(level + " ") && $0.contains(" ms for ") })
        }
    }
}
