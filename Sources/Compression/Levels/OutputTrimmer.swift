import Foundation

/// Trims tool output to its head and tail, saying what was cut, and drops base64 blobs.
struct OutputTrimmer {
    var headLines = 6
    var tailLines = 3
    var maxLineLength = 200

    /// Text up to this size, after base64 removal, is kept whole.
    var keepWholeLines = 12
    var keepWholeCharacters = 1000

    func trim(_ text: String) -> String {
        let cleaned = Self.dropBase64(text)
        var lines = cleaned.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        if lines.count <= keepWholeLines && cleaned.count <= keepWholeCharacters {
            return lines.map(clipLine).joined(separator: "\n")
        }
        guard lines.count > headLines + tailLines else {
            // Few but long lines: cut by characters instead.
            let head = cleaned.prefix(keepWholeCharacters * 2 / 3)
            let tail = cleaned.suffix(keepWholeCharacters / 3)
            let cut = cleaned.count - head.count - tail.count
            return "\(head)\n… [\(cut) characters cut] …\n\(tail)"
        }
        let cutLines = lines[headLines..<(lines.count - tailLines)]
        let cutCharacters = cutLines.reduce(0) { $0 + $1.count + 1 }
        return (lines.prefix(headLines).map(clipLine)
            + ["… [\(cutLines.count) lines, \(cutCharacters) characters cut] …"]
            + lines.suffix(tailLines).map(clipLine)).joined(separator: "\n")
    }

    private func clipLine(_ line: Substring) -> String {
        line.count <= maxLineLength ? String(line) : line.prefix(maxLineLength) + " … [\(line.count - maxLineLength) characters cut]"
    }

    /// Runs of base64 (data URLs, inline images, encoded files) say nothing to a reader.
    static func dropBase64(_ text: String) -> String {
        guard hasLongBase64Run(text) else { return text }
        let source = text as NSString
        let matches = base64Run.matches(in: text, range: NSRange(location: 0, length: source.length))
        guard !matches.isEmpty else { return text }
        let result = NSMutableString(string: text)
        for match in matches.reversed() {
            result.replaceCharacters(in: match.range, with: "[base64, \(match.range.length) characters dropped]")
        }
        return result as String
    }

    /// A byte scan first: the regular expression is slow, and most output has no blob.
    private static func hasLongBase64Run(_ text: String) -> Bool {
        var run = 0
        for byte in text.utf8 {
            let isBase64 = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2B || byte == 0x2F
            run = isBase64 ? run + 1 : 0
            if run >= minimumBase64Run { return true }
        }
        return false
    }

    static let minimumBase64Run = 200
    // A constant pattern checked by the tests; a failure here is a programming error.
    private nonisolated(unsafe) static let base64Run = try! NSRegularExpression(
        pattern: #"(?:data:[a-z]+/[a-z0-9.+-]+;base64,)?[A-Za-z0-9+/]{\#(minimumBase64Run),}={0,2}"#)
}
