import Transcript

/// The parts of an entry's text that compression shows.
enum EntryText {
    /// What the person typed: the prompt without the `<system-reminder>` blocks Claude Code
    /// appends to it.
    static func prompt(_ entry: TranscriptEntry) -> String {
        var rest = Substring(entry.text)
        while let open = rest.range(of: "<system-reminder>"),
              let close = rest.range(of: "</system-reminder>", range: open.upperBound..<rest.endIndex) {
            rest = rest[..<open.lowerBound] + rest[close.upperBound...]
        }
        return rest.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Claude's prose on an assistant line. The parser appends one `name input` line per
    /// tool call after the text blocks; those are dropped here.
    static func prose(_ entry: TranscriptEntry) -> String {
        guard entry.kind == .assistantText else { return "" }
        guard !entry.toolCalls.isEmpty else { return entry.text }
        let calls = "\n" + entry.toolCalls.map { "\($0.name) \($0.input)" }.joined(separator: "\n")
        if entry.text.hasSuffix(calls) { return String(entry.text.dropLast(calls.count)) }
        // Text cut at the parser's length limit: the calls, if any survive, are at the end.
        if let first = entry.toolCalls.first, let range = entry.text.range(of: "\n\(first.name) {", options: .backwards) {
            return String(entry.text[..<range.lowerBound])
        }
        return entry.text
    }
}
