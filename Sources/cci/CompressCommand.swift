import ArgumentParser
import Compression
import Foundation
import Ingest

/// `cci compress FILE` prints a transcript compressed at a level; `cci compress --report
/// PATH...` measures every level on every transcript: tokens, ratios, fact recall, time.
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress Claude Code transcripts at a deterministic level, or report how each level does.",
        discussion: "Needs no database or server. Folders are searched for *.jsonl.")

    @Option(help: "structural, spine or digest.")
    var level: String = CompressionLevel.digest.rawValue

    @Option(name: .customLong("max-tokens"), help: "The digest's budget (default \(Compressor.defaultDigestTokens)).")
    var maxTokens: Int?

    @Flag(help: "Print a table of tokens, ratios, recall and timings per file and level instead of the text.")
    var report = false

    @Argument(help: "Transcript files or folders.")
    var paths: [String]

    func run() throws {
        guard let level = CompressionLevel(rawValue: level) else {
            throw ValidationError("--level must be one of \(CompressionLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw CLIError("\(url.path) does not exist")
            }
            files += isDirectory.boolValue ? TranscriptFileImporter.transcripts(under: url) : [url]
        }
        if report {
            try CompressionReport(maxTokens: maxTokens).run(files.sorted { $0.path < $1.path })
            return
        }
        guard files.count == 1 else { throw ValidationError("give one transcript file, or --report for several") }
        let text = try String(contentsOf: files[0], encoding: .utf8)
        let result = Compressor.compress(Conversation(entries: TranscriptDecoder.decode(text).entries), level: level, maxTokens: maxTokens)
        print(result.text, terminator: "")
        let line = "\(result.level.rawValue): \(result.inputTokens) → \(result.outputTokens) tokens, "
            + String(format: "%.1f×, recall %.3f", result.ratio, result.recall.score)
            + result.recall.dropped.map { "\n  dropped \($0.kind.rawValue): \($0.value.prefix(100))" }.joined()
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
