/// A fact that a compressed text should still carry, and the text that shows it is there.
public struct RecallFact: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case humanRequest = "human_request"
        case lastRequest = "last_request"
        /// A file modified or created.
        case fileModified = "file_modified"
        case error
        case openTodo = "open_todo"
    }

    public var kind: Kind
    /// The fact as a reader would name it: the request, the path, the failed command.
    public var value: String
    /// What must appear in the output, whitespace runs counting as one space: a path whole,
    /// the opening ``Snippet/keyLength`` characters of longer text.
    public var key: String
}

extension SessionFacts {
    /// The facts recall is measured on, without repeats.
    public var recallFacts: [RecallFact] {
        var facts: [RecallFact] = []
        var seen = Set<String>()
        func add(_ kind: RecallFact.Kind, _ value: String, key: String) {
            guard !key.isEmpty, seen.insert(kind.rawValue + "\u{0}" + key).inserted else { return }
            facts.append(RecallFact(kind: kind, value: value, key: key))
        }
        for request in requests { add(.humanRequest, request.text, key: Snippet.key(request.text)) }
        if let last = lastRequest { add(.lastRequest, last.text, key: Snippet.key(last.text)) }
        for path in filesModified + filesCreated { add(.fileModified, path, key: Snippet.oneLine(path)) }
        for failure in failures {
            let what = failure.target ?? failure.message
            add(.error, "\(failure.tool): \(what)", key: Snippet.key(what))
        }
        for todo in openTodos { add(.openTodo, todo.content, key: Snippet.key(todo.content)) }
        return facts
    }
}
