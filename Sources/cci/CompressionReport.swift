import Compression
import Foundation

/// The table `cci compress --report` prints: per file and level, and totals over all files.
struct CompressionReport {
    let maxTokens: Int?

    private struct Totals {
        var input = 0
        var output = 0
        var kept = 0
        var facts = 0
        var prompts = 0
        var promptsKept = 0
        var slowest: (file: String, tokens: Int, duration: Duration) = ("", 0, .zero)
        var time: Duration = .zero
    }

    func run(_ files: [URL]) throws {
        var totals = Dictionary(uniqueKeysWithValues: CompressionLevel.allCases.map { ($0, Totals()) })
        var parseTime: Duration = .zero
        let clock = ContinuousClock()
        print(row(["file", "input", "level", "output", "ratio", "recall", "ms"], widths: [-60, 8, -10, 8, 7, 7, 9]))
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let start = clock.now
            let conversation = Conversation(entries: TranscriptDecoder.decode(text).entries)
            parseTime += clock.now - start
            let name = String(file.path.suffix(60))
            for level in CompressionLevel.allCases {
                let result = Compressor.compress(conversation, level: level, maxTokens: maxTokens)
                var total = totals[level]!
                total.input += result.inputTokens
                total.output += result.outputTokens
                total.kept += result.recall.kept
                total.facts += result.recall.total
                total.prompts += result.facts.requests.count
                total.promptsKept += result.facts.requests.filter { result.text.contains($0.text) }.count
                total.time += result.duration
                if result.duration > total.slowest.duration { total.slowest = (name, result.inputTokens, result.duration) }
                totals[level] = total
                print(row([name, "\(result.inputTokens)", level.rawValue, "\(result.outputTokens)", fixed(result.ratio, 1),
                           fixed(result.recall.score, 3), fixed(Self.milliseconds(result.duration), 2)],
                          widths: [-60, 8, -10, 8, 7, 7, 9]))
            }
        }
        print("\n\(files.count) transcripts; parsing them took \(fixed(Self.milliseconds(parseTime), 0)) ms in all\n")
        print(row(["level", "input", "output", "ratio", "recall", "prompts", "total ms", "slowest"], widths: [-10, 9, 9, 7, 7, 8, 9, 0]))
        for level in CompressionLevel.allCases {
            let total = totals[level]!
            let slowest = "\(fixed(Self.milliseconds(total.slowest.duration), 1)) ms for \(total.slowest.tokens) tokens (\(total.slowest.file))"
            print(row([level.rawValue, "\(total.input)", "\(total.output)", fixed(Double(total.input) / Double(max(1, total.output)), 1),
                       fixed(Double(total.kept) / Double(max(1, total.facts)), 3),
                       fixed(100 * Double(total.promptsKept) / Double(max(1, total.prompts)), 1) + "%",
                       fixed(Self.milliseconds(total.time), 1), slowest], widths: [-10, 9, 9, 7, 7, 8, 9, 0]))
        }
    }

    /// Cells padded to their widths: negative widths align left, positive right.
    private func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { cell, width in
            let padding = String(repeating: " ", count: max(0, abs(width) - cell.count))
            return width < 0 ? cell + padding : padding + cell
        }.joined(separator: " ")
    }

    private func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
