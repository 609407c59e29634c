import Foundation
import Storage

/// Running totals of an import, and how they read on a terminal and in a log.
public struct ImportTally: Sendable {
    public var files = 0
    public var filesDone = 0
    public var unchanged = 0
    public var failed = 0
    public var counts = IngestCounts()
    /// Bytes to read in this run (what the files hold past their remembered offsets).
    public var bytesTotal: Int64 = 0
    public var bytesDone: Int64 = 0

    public init() {}

    public mutating func add(_ result: TranscriptFileImporter.FileResult) {
        filesDone += 1
        if result.error != nil { failed += 1 }
        counts.add(result.counts)
    }

    /// One line for a terminal, redrawn in place:
    /// `[#######.............]  3/12 files  12034 lines  4.5/20.0 MB  3.1 MB/s  ETA 0:05`.
    public func progressLine(elapsed: Duration, barWidth: Int = 20) -> String {
        let fraction = bytesTotal > 0 ? min(1, Double(bytesDone) / Double(bytesTotal)) : Double(filesDone) / Double(max(files, 1))
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        let seconds = elapsed.seconds
        let rate = seconds > 0 ? Double(bytesDone) / seconds : 0
        var eta = "--:--"
        if rate > 0 {
            eta = Self.clock(Double(bytesTotal - bytesDone) / rate)
        }
        return "[\(bar)] \(filesDone)/\(files) files  \(counts.lines) lines  \(Self.megabytes(bytesDone))/\(Self.megabytes(bytesTotal)) MB"
            + "  \(Self.megabytes(Int64(rate))) MB/s  ETA \(eta)"
    }

    /// One plain line per file, for logs and pipes.
    public static func fileLine(_ result: TranscriptFileImporter.FileResult) -> String {
        if let error = result.error { return "skipped \(result.path): \(error)" }
        let counts = result.counts
        var line = "\(result.path): \(counts.lines) lines, \(counts.inserted) new, \(counts.duplicates) already stored"
        if counts.malformed > 0 { line += ", \(counts.malformed) malformed" }
        if counts.redactions > 0 { line += ", \(counts.redactions) redactions" }
        return line
    }

    /// The closing line of a run.
    public func summary(elapsed: Duration) -> String {
        var counted = "imported \(filesDone - failed) of \(files) files"
        if unchanged > 0 { counted += " (\(unchanged) unchanged)" }
        return counted + ": \(counts.sessions.count) sessions, \(counts.lines) lines, \(counts.inserted) new entries, "
            + "\(counts.duplicates) already stored, \(counts.malformed) malformed lines, \(counts.redactions) redactions, \(Self.megabytes(bytesDone)) MB in "
            + String(format: "%.1f s", elapsed.seconds)
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}

extension Duration {
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
