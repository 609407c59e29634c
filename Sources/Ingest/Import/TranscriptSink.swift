import Storage

/// Where `cci import` puts transcript bytes: the database itself, or a server over HTTP.
///
/// A sink receives a slice of a file that starts at a line boundary and stores its complete
/// lines. Storing is idempotent on both sinks, so a slice sent twice changes nothing.
public protocol TranscriptSink: Sendable {
    /// A name for the destination, used to keep remembered offsets apart per destination.
    var destination: String { get }

    /// How many bytes of a file to hand to ``store(_:offset:fileSessionID:endOfFile:)`` at a
    /// time (a slice grows past it only to hold one longer line).
    var sliceBytes: Int { get }

    /// Stores the complete lines of `bytes`, which start at byte `offset` of a file named
    /// after the session `fileSessionID` (the home of lines that carry no `sessionId`).
    /// With `endOfFile`, an unterminated last line that parses is taken (a finished file
    /// without a final newline); otherwise it is left for the next slice.
    func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome

    /// Finishes what the stored slices left pending, after each file; returns the sessions
    /// it updated.
    func flush() async throws -> Set<String>
}

/// What an import stored: sessions touched, entries new and already there, lines read,
/// malformed lines skipped and secrets masked. Adds up from slices to files to a whole run.
public struct IngestCounts: Sendable, Equatable {
    public var sessions: Set<String> = []
    public var inserted = 0
    public var duplicates = 0
    public var lines = 0
    public var malformed = 0
    public var redactions = 0

    public init() {}

    public mutating func add(_ other: IngestCounts) {
        sessions.formUnion(other.sessions)
        inserted += other.inserted
        duplicates += other.duplicates
        lines += other.lines
        malformed += other.malformed
        redactions += other.redactions
    }

    /// Adds what storing did to each session: the sessions touched, new and duplicate entries.
    public mutating func add(_ stored: [IngestOutcome]) {
        for session in stored {
            sessions.insert(session.sessionID)
            inserted += session.inserted
            duplicates += session.duplicates
        }
    }
}

/// What storing one slice did.
public struct SliceOutcome: Sendable, Equatable {
    public var counts = IngestCounts()
    /// The offset just after the last line taken: where the next slice starts.
    public var nextOffset: Int64 = 0

    public init() {}
}
