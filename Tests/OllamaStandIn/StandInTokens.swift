/// The stand-in's tokenizer: one token per whitespace-separated word.
public enum StandInTokens {
    public static func count(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// `text` cut into chunks of one word each, every chunk keeping the whitespace after its
    /// word, so joining them gives back the text.
    public static func pieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var hasWord = false
        var afterWord = false
        for character in text {
            if character.isWhitespace {
                afterWord = hasWord
            } else {
                if afterWord {
                    pieces.append(current)
                    current = ""
                    afterWord = false
                }
                hasWord = true
            }
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
