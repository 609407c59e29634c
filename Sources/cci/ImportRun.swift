import Foundation
import Ingest

/// One `cci import`: the files under the roots, each read from its remembered offset, and
/// with `--watch` the lines appended afterwards.
struct ImportRun {
    let roots: [URL]
    let importer: TranscriptFileImporter
    var offsets: ImportOffsets
    let output: ImportOutput
    /// How often `--watch` looks at file sizes, and how often it looks for new files.
    var pollInterval: Duration = .milliseconds(250)
    var rescanInterval: Duration = .seconds(1)
    /// How often the offsets are saved while files are imported, and once more at the end.
    /// Each save rewrites the whole state file, so saving after each of thousands of small
    /// files took time quadratic in their number (1,687 files: a sixth of the importer's CPU).
    /// A run cut off loses at most this long of offsets: those files are read again, and
    /// storing them again changes nothing.
    var saveInterval: Duration = .seconds(1)

    /// Imports what the files hold past their remembered offsets; prints and returns the totals.
    mutating func importOnce() async throws -> ImportTally {
        let started = ContinuousClock.now
        var tally = ImportTally()
        var pending: [TranscriptFileImporter.PendingFile] = []
        for file in discover() {
            tally.files += 1
            let size = Self.size(of: file)
            let from = offsets.start(for: file.path, size: size)
            if from >= size {
                tally.unchanged += 1
                tally.filesDone += 1
            } else {
                pending.append(.init(url: file, from: from, bytes: size - from))
                tally.bytesTotal += size - from
            }
        }
        var savedAt = started
        try await importer.importFiles(pending) { consumed in
            tally.bytesDone += consumed
            output.progress(tally, elapsed: ContinuousClock.now - started)
        } finished: { file, result in
            tally.add(result)
            offsets.record(result.nextOffset, for: file.url.path)
            if ContinuousClock.now - savedAt >= saveInterval {
                try offsets.save()
                savedAt = .now
            }
            output.file(result)
        }
        try offsets.save()
        output.finish(tally.summary(elapsed: ContinuousClock.now - started))
        return tally
    }

    /// Follows the roots until the process is stopped: appended lines are ingested at the
    /// next poll; a torn last line waits until the file grows again.
    mutating func follow() async throws {
        output.line("watching \(roots.map(\.path).joined(separator: ", ")) for new lines (Ctrl-C stops)")
        var files = discover()
        var lastScan = ContinuousClock.now
        var triedAt: [String: Int64] = [:]
        while !Task.isCancelled {
            if ContinuousClock.now - lastScan >= rescanInterval {
                files = discover()
                lastScan = ContinuousClock.now
            }
            var results: [TranscriptFileImporter.FileResult] = []
            for file in files {
                let size = Self.size(of: file)
                let from = offsets.start(for: file.path, size: size)
                guard from < size, triedAt[file.path] != size else { continue }
                triedAt[file.path] = size
                let result = await importer.importFile(file, from: from)
                offsets.record(result.nextOffset, for: file.path)
                results.append(result)
            }
            // Saved once per poll, however many files grew, and before they are reported:
            // what the watcher has said it stored is remembered even if it is stopped next.
            if !results.isEmpty { try offsets.save() }
            for result in results where result.counts.lines > 0 || result.counts.malformed > 0 || result.error != nil {
                output.line(ImportTally.fileLine(result))
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func discover() -> [URL] {
        roots.flatMap { root in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
            return isDirectory.boolValue ? TranscriptFileImporter.transcripts(under: root) : [root]
        }
    }

    private static func size(of file: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? NSNumber)?.int64Value ?? 0
    }
}
