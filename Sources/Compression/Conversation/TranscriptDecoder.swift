import Foundation
import Transcript

/// Turns transcript text into entries: Claude Code JSONL, or plain text, which becomes one
/// human prompt (as `POST /api/sessions` stores plain content).
public enum TranscriptDecoder {
    /// What decoding found besides the entries.
    public struct Decoded: Sendable {
        public var entries: [TranscriptEntry]
        /// Lines that were not JSON objects; skipped.
        public var malformedLines: Int
        /// Whether the text was taken as plain text rather than JSONL.
        public var isPlainText: Bool
    }

    /// Decodes `text`. A last line without a newline is kept: the text is complete.
    public static func decode(_ text: String, redactor: SecretRedactor? = nil) -> Decoded {
        if looksLikeJSONL(text) {
            var decoded = decode(lines: [text], redactor: redactor)
            decoded.isPlainText = false
            return decoded
        }
        let line: [String: Any] = [
            "type": "user", "uuid": "content", "message": ["role": "user", "content": text],
        ]
        let json = (try? JSONSerialization.data(withJSONObject: line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var decoded = decode(lines: [json], redactor: redactor)
        decoded.isPlainText = true
        return decoded
    }

    /// Decodes stored raw lines (or chunks of JSONL), in order.
    public static func decode(lines: [String], redactor: SecretRedactor? = nil) -> Decoded {
        var splitter = JSONLineSplitter()
        var parser = TranscriptLineParser(redactor: redactor)
        var decoded = Decoded(entries: [], malformedLines: 0, isPlainText: false)
        let emit: (JSONLineSplitter.Line) -> Void = { line in
            switch parser.parse(line) {
            case .success(let entry): decoded.entries.append(entry)
            case .failure: decoded.malformedLines += 1
            }
        }
        for line in lines {
            splitter.feed(line.utf8, emit)
            if !line.hasSuffix("\n") { splitter.feed([0x0A], emit) }
        }
        return decoded
    }

    /// The first non-empty line is a JSON object with a `type`, as every transcript line has.
    static func looksLikeJSONL(_ text: String) -> Bool {
        guard let first = text.split(separator: "\n").first(where: { !$0.allSatisfy(\.isWhitespace) }),
              let object = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any] else { return false }
        return object["type"] is String
    }
}
