/// Cuts a conversation's text into parts that each fit a token budget, at the speaker
/// headings (`### ...`) where it can, else at line ends, else inside a line: so each part
/// the model reads starts where a turn starts whenever a turn fits.
struct SummaryChunker {
    let budget: Int
    let countTokens: @Sendable (String) -> Int

    func chunks(_ text: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        for block in Self.blocks(text) {
            for piece in fitting(block) {
                if current.isEmpty || countTokens(current + piece) <= budget {
                    current += piece
                } else {
                    chunks.append(current)
                    current = piece
                }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// The block whole when it fits, else its lines, each cut further when it is too long.
    private func fitting(_ block: String) -> [String] {
        if countTokens(block) <= budget { return [block] }
        var pieces: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let whole = String(line) + "\n"
            if countTokens(whole) <= budget { pieces.append(whole) } else { pieces += cut(whole) }
        }
        return pieces
    }

    /// A line too long for the budget, cut into runs of characters that fit.
    private func cut(_ line: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            // The longest prefix that fits, by bisection on its length in characters.
            var low = 1, high = rest.count
            while low < high {
                let middle = (low + high + 1) / 2
                if countTokens(String(rest.prefix(middle))) <= budget { low = middle } else { high = middle - 1 }
            }
            pieces.append(String(rest.prefix(low)))
            rest = rest.dropFirst(low)
        }
        return pieces
    }

    /// The text split before each speaker heading; every block ends with a newline.
    static func blocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### "), !current.isEmpty {
                blocks.append(current)
                current = ""
            }
            current += line + "\n"
        }
        if current.contains(where: { !$0.isWhitespace }) { blocks.append(current) }
        return blocks
    }
}
