import Search

/// A ``SearchQuery`` written in each backend's own full-text syntax. The tokens are runs
/// of letters and digits only, so nothing a user types can break out of the syntax.
enum FullTextQuery {
    /// FTS5: `"a b"` is a phrase, `"a"*` a prefix, `NOT` is binary.
    static func fts5(_ query: SearchQuery) -> String {
        func term(_ term: SearchQuery.Term) -> String {
            "\"" + term.tokens.joined(separator: " ") + "\"" + (term.prefix ? "*" : "")
        }
        let required = query.required.map { clause in
            clause.alternatives.count == 1 ? term(clause.alternatives[0]) : "(" + clause.alternatives.map(term).joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        guard !query.excluded.isEmpty else { return required }
        return "(" + required + ") NOT (" + query.excluded.map(term).joined(separator: " OR ") + ")"
    }

    /// tsquery: `<->` joins a phrase, `:*` marks a prefix, `&`, `|`, `!` combine.
    static func tsquery(_ query: SearchQuery) -> String {
        func term(_ term: SearchQuery.Term) -> String {
            var tokens = term.tokens
            if term.prefix, let last = tokens.popLast() { tokens.append(last + ":*") }
            return "(" + tokens.joined(separator: " <-> ") + ")"
        }
        var parts = query.required.map { clause in "(" + clause.alternatives.map(term).joined(separator: " | ") + ")" }
        if !query.excluded.isEmpty { parts.append("!(" + query.excluded.map(term).joined(separator: " | ") + ")") }
        return parts.joined(separator: " & ")
    }
}
