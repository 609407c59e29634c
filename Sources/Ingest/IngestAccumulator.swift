import Crypto
import Foundation
import Storage
import Transcript

/// Turns a stream of transcript bytes into per-session batches ready to store.
///
/// Bytes are fed as they arrive; lines are parsed (and redacted) one at a time. Lines of one
/// upload may belong to several sessions: each `sessionId` becomes its own session, and a
/// subagent's lines (`agentId`) become `<sessionId>:agent-<agentId>`, linked to its parent.
/// Lines without a `sessionId` (snapshots, old summaries) join the session around them.
public struct IngestAccumulator {
    public struct Limits: Sendable {
        public var maxLineBytes: Int
        public init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }
    }

    /// Why an upload was refused as a whole; nothing of it is stored.
    public enum Rejection: Error, Equatable, CustomStringConvertible {
        case lineTooLong(lineNumber: Int, limit: Int)
        case invalidUTF8(lineNumber: Int)
        case notJSONL(malformedLines: Int)
        case noSessionID

        public var description: String {
            switch self {
            case .lineTooLong(let line, let limit): return "line \(line) is longer than the limit of \(limit) bytes"
            case .invalidUTF8(let line): return "line \(line) is not valid UTF-8"
            case .notJSONL(let count): return "the body is not JSONL: none of its \(count) lines is a JSON object"
            case .noSessionID: return "no line carries a sessionId; send a Claude Code transcript, or plain content as JSON"
            }
        }
    }

    private var splitter: JSONLineSplitter
    private var parser: TranscriptLineParser
    private let limits: Limits
    private let fallbackSessionID: String?
    private var order: [String] = []
    private var batches: [String: SessionBatch] = [:]
    private var orphans: [EntryRecord] = []
    private var currentSession: String?
    private var report = IngestReport()

    /// - Parameters:
    ///   - startOffset: where in the file the first byte sits (for resumable appends).
    ///   - fallbackSessionID: the session for lines without a `sessionId` when no line has one.
    public init(startOffset: Int64 = 0, redact: Bool, limits: Limits, fallbackSessionID: String? = nil) {
        splitter = JSONLineSplitter(startOffset: startOffset)
        parser = TranscriptLineParser(redactor: redact ? SecretRedactor() : nil)
        self.limits = limits
        self.fallbackSessionID = fallbackSessionID
    }

    /// Consumes the next chunk of bytes.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(Rejection) {
        var lines: [JSONLineSplitter.Line] = []
        splitter.feed(chunk) { lines.append($0) }
        for line in lines {
            if let rejection = accept(line) { throw rejection }
        }
        if splitter.pendingBytes > limits.maxLineBytes {
            throw .lineTooLong(lineNumber: report.lines + report.malformedCount + 1, limit: limits.maxLineBytes)
        }
    }

    /// The entries parsed since the last call, by session, keeping the accumulator's place in
    /// the stream: a body is stored piece by piece while it is parsed. Lines still waiting for
    /// a session (``finish(acceptUnterminatedTail:)`` places them) stay.
    public mutating func takeBatches() -> [SessionBatch] {
        let taken = order.compactMap { batches[$0] }.filter { !$0.entries.isEmpty }
        for key in order { batches[key]?.entries.removeAll() }
        return taken
    }

    /// Ends the stream. An unterminated last line is taken when `acceptUnterminatedTail` and it
    /// parses (a finished file that lacks a final newline); otherwise it is held back and
    /// reported, and `nextOffset` points at its start so the writer can resend it complete.
    public mutating func finish(acceptUnterminatedTail: Bool) throws(Rejection) -> (batches: [SessionBatch], report: IngestReport) {
        var parsedTail = false
        if splitter.pendingBytes > 0 && acceptUnterminatedTail {
            var probe = splitter
            probe.feed([0x0A]) { line in
                var tailParser = parser
                if case .success = tailParser.parse(line) { parsedTail = true }
            }
            if parsedTail { try feed([0x0A]) }
        }
        report.pendingBytes = splitter.pendingBytes
        // The newline that completed a taken tail is not in the file: resume at the file's end.
        report.nextOffset = splitter.completedOffset - (parsedTail ? 1 : 0)
        report.redactions = parser.redactions
        if report.lines == 0 && report.malformedCount > 0 { throw .notJSONL(malformedLines: report.malformedCount) }
        if !orphans.isEmpty {
            guard let target = currentSession ?? fallbackSessionID else { throw .noSessionID }
            if batches[target] == nil {
                order.append(target)
                batches[target] = SessionBatch(sessionID: target, entries: [])
            }
            batches[target]?.entries.append(contentsOf: orphans)
            orphans = []
        }
        return (order.compactMap { batches[$0] }, report)
    }

    private mutating func accept(_ line: JSONLineSplitter.Line) -> Rejection? {
        if line.bytes.count > limits.maxLineBytes { return .lineTooLong(lineNumber: line.number, limit: limits.maxLineBytes) }
        switch parser.parse(line) {
        case .failure(let malformed):
            if malformed.reason == "not valid UTF-8" { return .invalidUTF8(lineNumber: line.number) }
            report.recordMalformed(malformed)
        case .success(let entry):
            report.lines += 1
            let record = Self.record(entry, offset: line.offset)
            guard let sessionID = entry.sessionID else {
                if let currentSession { batches[currentSession]?.entries.append(record) } else { orphans.append(record) }
                return nil
            }
            let key = entry.agentID.map { "\(sessionID):agent-\($0)" } ?? sessionID
            if batches[key] == nil {
                order.append(key)
                batches[key] = SessionBatch(
                    sessionID: key, parentSessionID: entry.agentID == nil ? nil : sessionID, agentID: entry.agentID, entries: [])
            }
            if !orphans.isEmpty {
                batches[key]?.entries.append(contentsOf: orphans)
                orphans = []
            }
            batches[key]?.entries.append(record)
            currentSession = key
        }
        return nil
    }

    /// The stored form of an entry. Lines without a uuid are keyed by their content, so the
    /// same line sent twice is stored once.
    static func record(_ entry: TranscriptEntry, offset: Int64) -> EntryRecord {
        let uuid = entry.uuid ?? "sha256:" + SHA256.hash(data: Data(entry.raw.utf8)).hexString
        return EntryRecord(
            uuid: uuid, parentUUID: entry.parentUUID, sequence: offset, type: entry.type, kind: entry.kind.rawValue,
            isSidechain: entry.isSidechain, timestamp: entry.timestamp.flatMap(Timestamp.parse).map(Timestamp.format),
            toolName: entry.toolName, toolUseID: entry.toolUseID, isError: entry.isError, messageID: entry.messageID, requestID: entry.requestID,
            model: entry.model, cwd: entry.cwd, gitBranch: entry.gitBranch, version: entry.version,
            usage: TokenUsage(input: entry.usage.input, output: entry.usage.output,
                              cacheCreation: entry.usage.cacheCreation, cacheRead: entry.usage.cacheRead),
            text: entry.text, raw: entry.raw)
    }
}
