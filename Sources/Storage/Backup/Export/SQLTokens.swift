/// A rough SQL tokenizer: enough to read the table and column definitions of migration
/// files, not to validate SQL. Comments are dropped; string literals, quoted identifiers and
/// dollar-quoted bodies become single tokens.
enum SQLToken: Equatable {
    /// A keyword or unquoted identifier, possibly qualified (`public.entries`).
    case word(String)
    /// A `"quoted"` identifier, unquoted.
    case quoted(String)
    /// A string literal or dollar-quoted body.
    case literal
    case open
    case close
    case comma
    case semicolon
    case symbol(Character)

    /// The keyword in upper case, or nil for anything but a word.
    var keyword: String? {
        if case .word(let text) = self { return text.uppercased() }
        return nil
    }

    /// An identifier's name (the last part of a qualified one), folded like PostgreSQL folds
    /// unquoted names.
    var identifier: String? {
        switch self {
        case .word(let text): return text.split(separator: ".").last.map { $0.lowercased() }
        case .quoted(let text): return text
        default: return nil
        }
    }

    /// The statements of `sql`, each as its tokens, without the semicolons.
    static func statements(_ sql: String) -> [[SQLToken]] {
        var statements: [[SQLToken]] = []
        var current: [SQLToken] = []
        for token in tokenize(sql) {
            if token == .semicolon {
                if !current.isEmpty { statements.append(current) }
                current = []
            } else {
                current.append(token)
            }
        }
        if !current.isEmpty { statements.append(current) }
        return statements
    }

    static func tokenize(_ sql: String) -> [SQLToken] {
        let characters = Array(sql)
        var tokens: [SQLToken] = []
        var index = 0
        func peek(_ offset: Int = 1) -> Character? { index + offset < characters.count ? characters[index + offset] : nil }
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "-" && peek() == "-" {
                while index < characters.count && characters[index] != "\n" { index += 1 }
            } else if character == "/" && peek() == "*" {
                index += 2
                while index < characters.count && !(characters[index] == "*" && peek() == "/") { index += 1 }
                index += 2
            } else if character == "'" || character == "\"" {
                var text = ""
                index += 1
                while index < characters.count {
                    if characters[index] == character {
                        if peek() == character { text.append(character); index += 2; continue }
                        break
                    }
                    text.append(characters[index])
                    index += 1
                }
                index += 1
                tokens.append(character == "'" ? .literal : .quoted(text))
            } else if character == "$", let tagEnd = dollarTagEnd(characters, from: index) {
                let tag = characters[index...tagEnd]
                index = tagEnd + 1
                while index < characters.count && !characters[index...].starts(with: tag) { index += 1 }
                index += tag.count
                tokens.append(.literal)
            } else if character.isLetter || character == "_" || character.isNumber {
                var text = ""
                while index < characters.count,
                      characters[index].isLetter || characters[index].isNumber || "_.$".contains(characters[index]) {
                    text.append(characters[index])
                    index += 1
                }
                tokens.append(.word(text))
            } else {
                switch character {
                case "(": tokens.append(.open)
                case ")": tokens.append(.close)
                case ",": tokens.append(.comma)
                case ";": tokens.append(.semicolon)
                default: tokens.append(.symbol(character))
                }
                index += 1
            }
        }
        return tokens
    }

    /// The index of the closing `$` of a dollar-quote tag (`$$` or `$name$`) starting at `start`.
    private static func dollarTagEnd(_ characters: [Character], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count, characters[index].isLetter || characters[index] == "_" { index += 1 }
        return index < characters.count && characters[index] == "$" ? index : nil
    }

    /// Splits `tokens` at commas that are not inside parentheses.
    static func splitAtTopLevelCommas(_ tokens: ArraySlice<SQLToken>) -> [ArraySlice<SQLToken>] {
        var parts: [ArraySlice<SQLToken>] = []
        var depth = 0
        var start = tokens.startIndex
        for index in tokens.indices {
            switch tokens[index] {
            case .open: depth += 1
            case .close: depth -= 1
            case .comma where depth == 0:
                parts.append(tokens[start..<index])
                start = index + 1
            default: break
            }
        }
        parts.append(tokens[start..<tokens.endIndex])
        return parts.filter { !$0.isEmpty }
    }
}
