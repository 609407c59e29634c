import Transcript

/// What an upload contained: parsed lines, malformed ones, redactions, and where to resume.
public struct IngestReport: Sendable, Equatable {
    /// Lines parsed and kept.
    public var lines = 0
    public var malformedCount = 0
    /// The first malformed lines (at most ``maxListed``), with reasons.
    public var malformed: [TranscriptLineParser.Malformed] = []
    public var redactions = 0
    /// Bytes of an unterminated last line, held back.
    public var pendingBytes = 0
    /// The file offset just after the last complete line: where the next append starts.
    public var nextOffset: Int64 = 0

    public static let maxListed = 10

    mutating func recordMalformed(_ line: TranscriptLineParser.Malformed) {
        malformedCount += 1
        if malformed.count < Self.maxListed { malformed.append(line) }
    }
}
