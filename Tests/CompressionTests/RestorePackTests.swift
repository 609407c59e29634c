import Compression
import Foundation
import TestSupport
import Testing
import Transcript

@Suite("Restore packs")
struct RestorePackTests {
    @Test("a pack never exceeds its budget, whatever the sessions and the budget")
    func neverOverBudget() async throws {
        let files = try CorpusFile.all().filter { $0.relativePath.hasPrefix("transcripts/") }
        let failures = try await offPool {
            let sources = try files.map { file in
                RestoreSource(sessionID: file.relativePath, conversation: try CorpusCompressionTests.conversation(file))
            }
            var failures: [String] = []
            for budget in [1, 50, 300, 1000, 4000, 20_000] {
                for group in [Array(sources.prefix(1)), Array(sources.suffix(3)), sources] {
                    let pack = RestorePackBuilder(maxTokens: budget).build(group)
                    if TokenEstimator.estimate(pack.text) > budget || pack.tokens != TokenEstimator.estimate(pack.text) {
                        failures.append("budget \(budget), \(group.count) sessions: \(pack.tokens) tokens")
                    }
                    if pack.parts.count + pack.omittedSessions.count != group.count {
                        failures.append("budget \(budget): sessions unaccounted for")
                    }
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("the most faithful level that fits: structural with room, digest when tight, omitted when no room")
    func levelChoice() {
        let conversation = LevelTests.session().conversation
        let structural = Compressor.compress(conversation, level: .structural)
        let roomy = RestorePackBuilder(maxTokens: structural.outputTokens + 200)
            .build([RestoreSource(sessionID: "s-1", title: "Build fix", gitBranch: "main", conversation: conversation)])
        #expect(roomy.parts.map(\.level) == [.structural])
        #expect(roomy.text.contains("## Session s-1 — Build fix"))
        #expect(roomy.text.contains("branch main · level structural"))
        #expect(roomy.text.contains("### User · entry u1"))

        // Room for the spine but not for it with the headings: only a digest fits.
        let budget = Compressor.compress(conversation, level: .spine).outputTokens + 40
        let tight = RestorePackBuilder(maxTokens: budget).build([RestoreSource(sessionID: "s-1", conversation: conversation)])
        #expect(tight.parts.map(\.level) == [.digest])
        #expect(tight.tokens <= budget)

        let many = (1...10).map { RestoreSource(sessionID: "s-\($0)", conversation: conversation) }
        let crowded = RestorePackBuilder(maxTokens: 300).build(many)
        #expect(!crowded.omittedSessions.isEmpty)
        #expect(!crowded.parts.isEmpty)
        #expect(crowded.tokens <= 300)
    }
}
