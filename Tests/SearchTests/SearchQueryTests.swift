import Search
import Testing

@Suite("Search query language")
struct SearchQueryTests {
    typealias Term = SearchQuery.Term

    @Test("words are all required; quoted phrases, OR, exclusion and prefix parse")
    func language() throws {
        let query = try SearchQuery.parse(#"login "session token" redis OR memcached -flaky auth*"#)
        #expect(query.required == [
            .init(alternatives: [Term(tokens: ["login"], prefix: false)]),
            .init(alternatives: [Term(tokens: ["session", "token"], prefix: false)]),
            .init(alternatives: [Term(tokens: ["redis"], prefix: false), Term(tokens: ["memcached"], prefix: false)]),
            .init(alternatives: [Term(tokens: ["auth"], prefix: true)]),
        ])
        #expect(query.excluded == [Term(tokens: ["flaky"], prefix: false)])
    }

    @Test("identifiers, paths and error codes become phrases of their parts",
          arguments: [
              ("UserService.swift", ["userservice", "swift"]),
              ("src/api/handlers.go", ["src", "api", "handlers", "go"]),
              ("parse_args", ["parse", "args"]),
              ("ECONNREFUSED", ["econnrefused"]),
          ])
    func codeTokens(text: String, tokens: [String]) throws {
        #expect(try SearchQuery.parse(text).required == [.init(alternatives: [Term(tokens: tokens, prefix: false)])])
    }

    @Test("any string parses or is refused cleanly; nothing crashes",
          arguments: [#"""#, #""unclosed phrase"#, "OR OR", "- - -", "***", "a OR", "(", ")", "NOT", "\u{0}", "'; DROP TABLE entries; --", "日本語 テキスト"])
    func hostileInput(text: String) {
        do {
            let query = try SearchQuery.parse(text)
            #expect(!query.required.isEmpty)
            #expect(query.required.allSatisfy { $0.alternatives.allSatisfy { !$0.tokens.isEmpty } })
        } catch {
            #expect(error == .empty || error == .onlyExclusions)
        }
    }

    @Test("a query with nothing searchable, or only exclusions, is refused")
    func refused() {
        #expect(throws: SearchQuery.ParseError.empty) { try SearchQuery.parse("  !!! ... ") }
        #expect(throws: SearchQuery.ParseError.onlyExclusions) { try SearchQuery.parse("-redis -cache") }
    }

    @Test("an unclosed quote takes the rest as the phrase")
    func unclosedQuote() throws {
        let query = try SearchQuery.parse(#"fix "null pointer"#)
        #expect(query.required.last == .init(alternatives: [Term(tokens: ["null", "pointer"], prefix: false)]))
    }
}
