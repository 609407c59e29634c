import ArgumentParser
import Foundation
import Ingest

/// `cci-bench parse FILE`: turns a transcript into storable batches slice by slice, exactly
/// as `cci import` does before writing, and stores nothing. It separates the cost (time and
/// memory) of parsing and redaction from that of the database.
struct ParseBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse")

    @Argument(help: "A JSONL transcript.") var file: String
    @Option(help: "Bytes parsed at a time (a request of cci import --server).") var sliceBytes = 8 << 20
    @Flag(help: "Leave secrets unredacted.") var noRedact = false

    func run() throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        let size = Int64(try handle.seekToEnd())
        let start = ContinuousClock.now
        var position: Int64 = 0
        var lines = 0
        var slices = 0
        while position < size {
            try handle.seek(toOffset: UInt64(position))
            let bytes = [UInt8](try handle.read(upToCount: sliceBytes) ?? Data())
            var accumulator = IngestAccumulator(
                startOffset: position, redact: !noRedact, limits: .init(maxLineBytes: 64 << 20), fallbackSessionID: "bench")
            try accumulator.feed(bytes)
            let endOfFile = position + Int64(bytes.count) >= size
            let (_, report) = try accumulator.finish(acceptUnterminatedTail: endOfFile)
            lines += report.lines
            guard report.nextOffset > position else { break }
            position = report.nextOffset
            slices += 1
            if slices % 8 == 0 { print("after \(slices) slices: \(Self.memory())") }
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print(String(format: "%d lines, %.1f MB in %.1f s: %.0f lines/s, %.1f MB/s; %@", lines, Double(size) / 1_048_576,
                     seconds, Double(lines) / seconds, Double(size) / 1_048_576 / seconds, Self.memory()))
    }

    /// Resident and peak resident memory, from /proc.
    static func memory() -> String {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let fields = status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
        return fields.map { $0.split(whereSeparator: \.isWhitespace).dropFirst().joined(separator: " ") }
            .joined(separator: " resident, peak ")
    }
}
