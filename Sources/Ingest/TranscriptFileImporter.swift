import Foundation
import Storage

/// Imports transcript files from disk, such as a machine's `~/.claude/projects`.
///
/// A file is read in slices (a few MB each) and every slice is stored in its own
/// transaction, so memory stays bounded whatever the file size; slices start at line
/// boundaries (absolute byte offsets), and storing is idempotent, so an interrupted import
/// can simply be run again.
public struct TranscriptFileImporter: Sendable {
    public let store: any SessionStore
    public let redact: Bool
    public let maxLineBytes: Int
    public var sliceBytes = 8 * 1024 * 1024

    public init(store: any SessionStore, redact: Bool, maxLineBytes: Int) {
        self.store = store
        self.redact = redact
        self.maxLineBytes = maxLineBytes
    }

    public struct FileResult: Sendable {
        public let path: String
        public var sessions: Set<String> = []
        public var inserted = 0
        public var duplicates = 0
        public var lines = 0
        public var malformed = 0
        public var redactions = 0
        /// Why the file was skipped, when it was.
        public var error: String?
    }

    /// Every `*.jsonl` below `directory` (subagent files included), sorted.
    public static func transcripts(under directory: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
    }

    public func importFile(_ url: URL) async -> FileResult {
        var result = FileResult(path: url.path)
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            // Claude Code names a session's file after its id: the home of lines without one.
            let fallback = url.deletingPathExtension().lastPathComponent
            var offset: Int64 = 0
            var atEnd = false
            while !atEnd {
                try handle.seek(toOffset: UInt64(offset))
                var accumulator = IngestAccumulator(
                    startOffset: offset, redact: redact, limits: .init(maxLineBytes: maxLineBytes), fallbackSessionID: fallback)
                var read = 0
                while read < sliceBytes {
                    guard let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty else {
                        atEnd = true
                        break
                    }
                    read += chunk.count
                    try accumulator.feed(chunk)
                }
                let (batches, report) = try accumulator.finish(acceptUnterminatedTail: atEnd)
                for outcome in try await store.ingest(batches) {
                    result.sessions.insert(outcome.sessionID)
                    result.inserted += outcome.inserted
                    result.duplicates += outcome.duplicates
                }
                result.lines += report.lines
                result.malformed += report.malformedCount
                result.redactions += report.redactions
                guard report.nextOffset > offset || atEnd else {
                    throw IngestAccumulator.Rejection.lineTooLong(lineNumber: 0, limit: maxLineBytes)
                }
                offset = report.nextOffset
            }
        } catch {
            result.error = "\(error)"
        }
        return result
    }
}
