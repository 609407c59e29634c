import Storage

/// Stores slices straight into the configured database, parsing and redacting them here.
public struct DatabaseSink: TranscriptSink {
    public let store: any SessionStore
    public let destination: String
    public let redact: Bool
    public let maxLineBytes: Int

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
        for stored in try await store.ingest(batches) {
            outcome.counts.sessions.insert(stored.sessionID)
            outcome.counts.inserted += stored.inserted
            outcome.counts.duplicates += stored.duplicates
        }
        outcome.counts.lines = report.lines
        outcome.counts.malformed = report.malformedCount
        outcome.counts.redactions = report.redactions
        outcome.nextOffset = report.nextOffset
        return outcome
    }
}
