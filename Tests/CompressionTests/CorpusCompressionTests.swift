import Compression
import Foundation
import TestSupport
import Testing
import Transcript

/// Every level on every transcript of the shared corpus, edge cases included.
@Suite("Compression over the real corpus")
struct CorpusCompressionTests {
    static func conversation(_ file: CorpusFile) throws -> Conversation {
        Conversation(entries: TranscriptDecoder.decode(try String(contentsOf: file.path, encoding: .utf8)).entries)
    }

    @Test("structural and spine keep every human prompt verbatim")
    func promptsKept() async throws {
        let files = try CorpusFile.all()
        #expect(files.count >= 30)
        let failures = try await offPool {
            var failures: [String] = []
            for file in files {
                let conversation = try Self.conversation(file)
                let structural = Compressor.compress(conversation, level: .structural)
                let spine = Compressor.compress(conversation, level: .spine)
                for request in structural.facts.requests {
                    if !structural.text.contains(request.text) { failures.append("\(file.relativePath): structural lost a prompt") }
                    if !spine.text.contains(request.text) { failures.append("\(file.relativePath): spine lost a prompt") }
                }
                if structural.recall.dropped.contains(where: { $0.kind == .humanRequest || $0.kind == .lastRequest }) {
                    failures.append("\(file.relativePath): structural recall dropped a request")
                }
                if spine.outputTokens > structural.outputTokens {
                    failures.append("\(file.relativePath): spine larger than structural")
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("every human prompt of a main-chain session is on the conversation path")
    func pathHoldsThePrompts() async throws {
        let files = try CorpusFile.all().filter { $0.relativePath.hasPrefix("transcripts/") && $0.sidechainLines == 0 }
        let failures = try await offPool {
            var failures: [String] = []
            for file in files {
                let entries = TranscriptDecoder.decode(try String(contentsOf: file.path, encoding: .utf8)).entries
                let conversation = Conversation(entries: entries)
                let all = entries.filter { $0.kind == .humanPrompt }.count
                let onPath = conversation.entries.filter { $0.kind == .humanPrompt }.count
                if all > 0 && onPath == 0 { failures.append("\(file.relativePath): no prompt on the path of \(all)") }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("digest fits max_tokens on every transcript", arguments: [150, 500, 2000])
    func digestFits(budget: Int) async throws {
        let files = try CorpusFile.all()
        let failures = try await offPool {
            var failures: [String] = []
            for file in files {
                let result = Compressor.compress(try Self.conversation(file), level: .digest, maxTokens: budget)
                if result.outputTokens > budget || TokenEstimator.estimate(result.text) != result.outputTokens {
                    failures.append("\(file.relativePath): \(result.outputTokens) tokens for a budget of \(budget)")
                }
                if result.recall.kept + result.recall.dropped.count != result.recall.total {
                    failures.append("\(file.relativePath): recall does not add up")
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("over the corpus structural is at least 3 times smaller than its input, and digest 15 times")
    func ratios() async throws {
        let files = try CorpusFile.all().filter { $0.relativePath.hasPrefix("transcripts/") }
        let (input, structural, digest) = try await offPool {
            var totals = (0, 0, 0)
            for file in files {
                let conversation = try Self.conversation(file)
                totals.0 += conversation.inputTokens
                totals.1 += Compressor.compress(conversation, level: .structural).outputTokens
                totals.2 += Compressor.compress(conversation, level: .digest).outputTokens
            }
            return totals
        }
        #expect(Double(input) / Double(structural) >= 3)
        #expect(Double(input) / Double(digest) >= 15)
    }

    @Test("with the default budget the digest keeps at least 95% of the facts over the corpus")
    func digestRecall() async throws {
        let files = try CorpusFile.all().filter { $0.relativePath.hasPrefix("transcripts/") }
        let (kept, total) = try await offPool {
            var kept = 0, total = 0
            for file in files {
                let recall = Compressor.compress(try Self.conversation(file), level: .digest).recall
                kept += recall.kept
                total += recall.total
            }
            return (kept, total)
        }
        #expect(total > 100)
        #expect(Double(kept) / Double(total) >= 0.95)
    }
}
