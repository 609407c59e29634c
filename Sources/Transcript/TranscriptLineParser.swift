import Foundation

/// Parses transcript lines one at a time. Keeps the tool names seen so far so a tool
/// result, which carries only the call's id, can be labelled with its tool.
public struct TranscriptLineParser: Sendable {
    /// Why a line could not be parsed.
    public struct Malformed: Error, Sendable, Equatable {
        public let lineNumber: Int
        public let reason: String
    }

    /// Longest searchable text kept per entry; the raw line always keeps everything.
    public static let maxTextLength = 32 * 1024

    public var redactor: SecretRedactor?
    /// Redactions made so far.
    public private(set) var redactions = 0
    private var toolNames: [String: String] = [:]

    public init(redactor: SecretRedactor? = nil) {
        self.redactor = redactor
    }

    public mutating func parse(_ line: JSONLineSplitter.Line) -> Result<TranscriptEntry, Malformed> {
        guard var raw = String(validating: line.bytes, as: UTF8.self) else {
            return .failure(Malformed(lineNumber: line.number, reason: "not valid UTF-8"))
        }
        if let redactor {
            let redacted = redactor.redact(raw)
            raw = redacted.text
            redactions += redacted.count
        }
        guard let fields = try? JSONNodeReader.read(raw, keepingTopLevel: EntryClassifier.fieldsRead) else {
            return .failure(Malformed(lineNumber: line.number, reason: "not JSON"))
        }
        guard case .object = fields else {
            return .failure(Malformed(lineNumber: line.number, reason: "not a JSON object"))
        }
        var entry = EntryClassifier.classify(fields, raw: raw)
        for call in entry.toolCalls { if let id = call.id { toolNames[id] = call.name } }
        if entry.kind == .toolResult, let id = entry.toolUseID { entry.toolName = toolNames[id] }
        // PostgreSQL text cannot hold NUL (libpq would end the value there); drop it on
        // both backends alike.
        if entry.text.withUTF8({ $0.contains(0) }) {
            entry.text.removeAll { $0 == "\u{0}" }
        }
        // Bytes first: counting characters walks every grapheme, and no text has more
        // characters than UTF-8 bytes.
        if entry.text.utf8.count > Self.maxTextLength && entry.text.count > Self.maxTextLength {
            entry.text = String(entry.text.prefix(Self.maxTextLength))
        }
        return .success(entry)
    }
}
