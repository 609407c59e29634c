import Foundation
import Storage

/// Stores slices straight into the configured database, parsing and redacting them here.
///
/// Sessions are derived (main chain, title, counts) once per file, at ``flush()``, rather
/// than after every slice: rescanning a session of a few hundred thousand entries after each
/// slice made large files quadratic in time and memory.
public final class DatabaseSink: TranscriptSink, @unchecked Sendable {
    public let store: any SessionStore
    public let destination: String
    public let redact: Bool
    public let maxLineBytes: Int
    private let lock = NSLock()
    private var underived: Set<String> = []

    public init(store: any SessionStore, destination: String, redact: Bool, maxLineBytes: Int) {
        self.store = store
        self.destination = destination
        self.redact = redact
        self.maxLineBytes = maxLineBytes
    }

    public func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
        var accumulator = IngestAccumulator(
            startOffset: offset, redact: redact, limits: .init(maxLineBytes: maxLineBytes), fallbackSessionID: fileSessionID)
        try accumulator.feed(bytes)
        let (batches, report) = try accumulator.finish(acceptUnterminatedTail: endOfFile)
        var outcome = SliceOutcome()
        for stored in try await store.ingest(batches, deriving: false) {
            outcome.counts.sessions.insert(stored.sessionID)
            outcome.counts.inserted += stored.inserted
            outcome.counts.duplicates += stored.duplicates
        }
        // Every session the slice touched, duplicates-only ones too: a run cut off before its
        // flush stored entries that the next run finds already there, still to be derived.
        lock.withLock { underived.formUnion(outcome.counts.sessions) }
        outcome.counts.lines = report.lines
        outcome.counts.malformed = report.malformedCount
        outcome.counts.redactions = report.redactions
        outcome.nextOffset = report.nextOffset
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
