/// Short one-line forms of text, shared by the renderers and the recall check so that what
/// a level shows and what recall looks for agree.
enum Snippet {
    /// The text on one line: every run of whitespace becomes one space.
    static func oneLine(_ text: some StringProtocol) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }

    /// The text on one line, cut to `limit` characters with an ellipsis.
    static func clip(_ text: some StringProtocol, _ limit: Int) -> String {
        let line = oneLine(text)
        guard line.count > limit else { return line }
        return String(line.prefix(max(1, limit))) + "…"
    }

    /// How much of a fact's text must appear for the fact to count as kept: its opening,
    /// which every level shows even when it clips the rest.
    static let keyLength = 60

    static func key(_ text: some StringProtocol) -> String {
        String(oneLine(text).prefix(keyLength))
    }
}
