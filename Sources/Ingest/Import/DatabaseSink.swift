import Foundation
import Storage

/// Stores slices straight into the configured database, parsing and redacting them here.
///
/// Sessions are derived (main chain, title, counts) once per file, rather than after every
/// slice: rescanning a session of a few hundred thousand entries after each slice made large
/// files quadratic in time and memory. The file's last slice derives the sessions it changed
/// in its own transaction; ``flush()`` derives the rest.
public final class DatabaseSink: TranscriptSink, @unchecked Sendable {
    public let store: any SessionStore
    public let destination: String
    public let redact: Bool
    public let maxLineBytes: Int
    private let lock = NSLock()
    private var underived: Set<String> = []

    public init(store: any SessionStore, destination: String, redact: Bool, maxLineBytes: Int,
                pieceBytes: Int = IngestTransaction.pieceBytes) {
        self.store = store
        self.destination = destination
        self.redact = redact
        self.maxLineBytes = maxLineBytes
        self.pieceBytes = max(1, pieceBytes)
    }

    /// One transaction per slice. Between slices the writer waits while the next slice's
    /// first piece is parsed, and the parser while the last piece is written and committed
    /// (~50 ms each way): 32 MB slices cross that gap a quarter as often as 8 MB ones (300 MB
    /// transcript 8.9–10.7 → 8.4–8.6 s, same peak memory: the pieces, not the slice, bound it).
    public let sliceBytes = 32 << 20

    /// A slice is parsed in pieces of this many bytes, each handed to the slice's transaction
    /// as soon as it is parsed, so that parsing overlaps writing and memory holds a few pieces
    /// rather than the slice's parsed lines.
    public let pieceBytes: Int

    public func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
        var accumulator = IngestAccumulator(
            startOffset: offset, redact: redact, limits: .init(maxLineBytes: maxLineBytes), fallbackSessionID: fileSessionID)
        // The last slice derives the sessions it changed as it is stored: a file of one slice
        // costs one transaction.
        let (stored, report) = try await IngestTransaction.store(
            bytes, parsingWith: &accumulator, into: store, acceptUnterminatedTail: endOfFile, deriving: endOfFile, pieceBytes: pieceBytes)
        var outcome = SliceOutcome()
        outcome.nextOffset = report.nextOffset
        outcome.counts.lines = report.lines
        outcome.counts.malformed = report.malformedCount
        outcome.counts.redactions = report.redactions
        outcome.counts.add(stored)
        // Every session the slice touched and did not derive, duplicates-only ones too: a run
        // cut off before its flush stored entries that the next run finds already there, still
        // to be derived.
        lock.withLock {
            underived.formUnion(outcome.counts.sessions)
            if endOfFile { underived.subtract(stored.filter(\.changedSession).map(\.sessionID)) }
        }
        return outcome
    }

    public func flush() async throws -> Set<String> {
        let sessions = lock.withLock {
            defer { underived = [] }
            return underived
        }
        do {
            try await store.refreshSessions(sessions)
        } catch {
            lock.withLock { underived.formUnion(sessions) }  // kept for the next flush
            throw error
        }
        return sessions
    }
}
