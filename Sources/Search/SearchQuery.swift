/// A parsed search string.
///
/// The language: words must all match (AND); `"quoted phrases"` match in order; `OR`
/// between two items matches either; a leading `-` excludes; a trailing `*` matches a
/// prefix. Words are split at punctuation the way the indexes split text, so
/// `UserService.swift`, `src/api/handlers.go` and `parse_args` match as phrases of their
/// parts. Any string parses: stray quotes, operators and symbols are treated as text, and
/// only a query with nothing to search for is refused.
public struct SearchQuery: Sendable, Equatable {
    /// One searchable item: its tokens (matched as a phrase when more than one).
    public struct Term: Sendable, Equatable {
        public var tokens: [String]
        /// The last token matches as a prefix.
        public var prefix: Bool

        public init(tokens: [String], prefix: Bool) {
            self.tokens = tokens
            self.prefix = prefix
        }
    }

    /// Alternatives joined by OR; a clause matches when any of them does.
    public struct Clause: Sendable, Equatable {
        public var alternatives: [Term]

        public init(alternatives: [Term]) { self.alternatives = alternatives }
    }

    /// Every required clause must match.
    public var required: [Clause]
    /// No excluded term may match.
    public var excluded: [Term]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case onlyExclusions

        public var description: String {
            switch self {
            case .empty: return "the query has no words to search for"
            case .onlyExclusions: return "the query needs at least one word that is not excluded"
            }
        }
    }

    public static func parse(_ text: String) throws(ParseError) -> SearchQuery {
        var required: [Clause] = []
        var excluded: [Term] = []
        var pendingOr = false
        for item in lex(text) {
            if item.isOrOperator {
                pendingOr = !required.isEmpty
                continue
            }
            guard let term = item.term else { continue }
            if item.negated {
                excluded.append(term)
                pendingOr = false
            } else if pendingOr, let last = required.indices.last {
                required[last].alternatives.append(term)
                pendingOr = false
            } else {
                required.append(Clause(alternatives: [term]))
            }
        }
        if required.isEmpty { throw excluded.isEmpty ? .empty : .onlyExclusions }
        return SearchQuery(required: required, excluded: excluded)
    }

    /// Splits text into lowercase runs of letters and digits, as the indexes do.
    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private struct LexItem {
        var term: Term?
        var negated: Bool
        var isOrOperator: Bool
    }

    private static func lex(_ text: String) -> [LexItem] {
        var items: [LexItem] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
                continue
            }
            var negated = false
            var start = index
            if character == "-" {
                negated = true
                start = text.index(after: index)
            }
            if start < text.endIndex, text[start] == "\"" {
                let open = text.index(after: start)
                let close = text[open...].firstIndex(of: "\"") ?? text.endIndex
                let phrase = String(text[open..<close])
                index = close < text.endIndex ? text.index(after: close) : close
                let tokens = Self.tokens(phrase)
                items.append(LexItem(term: tokens.isEmpty ? nil : Term(tokens: tokens, prefix: false), negated: negated, isOrOperator: false))
                continue
            }
            let end = text[start...].firstIndex(where: \.isWhitespace) ?? text.endIndex
            let word = String(text[start..<end])
            index = end
            if word == "OR" && !negated {
                items.append(LexItem(term: nil, negated: false, isOrOperator: true))
                continue
            }
            let tokens = Self.tokens(word)
            let prefix = word.hasSuffix("*")
            items.append(LexItem(term: tokens.isEmpty ? nil : Term(tokens: tokens, prefix: prefix), negated: negated, isOrOperator: false))
        }
        return items
    }
}
