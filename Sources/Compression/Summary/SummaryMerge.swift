/// The model's summary as Markdown, followed by every extracted fact it left out, so that
/// no fact is lost to the model's judgement. The share it left out is reported as
/// ``summaryRecall``.
struct SummaryMerge {
    let reply: SummaryReply
    let facts: SessionFacts

    /// Recall of the model's part alone.
    var summaryRecall: FactRecall { FactRecall.measure(facts.recallFacts, in: summaryText) }

    func render() -> String {
        let dropped = summaryRecall.dropped
        guard !dropped.isEmpty else { return summaryText }
        var out = [summaryText, "## From the transcript (not in the summary above)"]
        for kind in RecallFact.Kind.allCases {
            let ofKind = dropped.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            out.append("\n" + Self.heading(kind))
            for fact in ofKind { out.append("- " + line(fact)) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    var summaryText: String {
        var out: [String] = ["# Session summary"]
        var about: [String] = []
        if let id = facts.sessionID { about.append("session \(id)") }
        if !facts.gitBranches.isEmpty { about.append("branch " + facts.gitBranches.joined(separator: ", ")) }
        about.append("\(facts.requests.count) requests, \(facts.toolCallCount) tool calls")
        out.append(about.joined(separator: " · "))
        section("Goal", reply.goal.isEmpty ? [] : [reply.goal], into: &out)
        section("Decisions", reply.decisions.map { "- \($0.decision)" + ($0.why.isEmpty ? "" : " — because \($0.why)") }, into: &out)
        section("Files", reply.files.map { "- `\($0.path)`: \($0.change)" }, into: &out)
        section("Errors and resolutions", reply.errors.map { "- \($0.error) → \($0.resolution)" }, into: &out)
        section("Open todos", reply.openTodos.map { "- [ ] \($0)" }, into: &out)
        section("Next step", reply.nextStep.isEmpty ? [] : [reply.nextStep], into: &out)
        section("Key facts", reply.keyFacts.map { "- \($0)" }, into: &out)
        return out.joined(separator: "\n") + "\n"
    }

    private func section(_ title: String, _ lines: [String], into out: inout [String]) {
        guard !lines.isEmpty else { return }
        out += ["\n## \(title)"] + lines
    }

    private static func heading(_ kind: RecallFact.Kind) -> String {
        switch kind {
        case .humanRequest: return "### Requests (verbatim)"
        case .lastRequest: return "### Last request"
        case .fileModified: return "### Files modified or created"
        case .error: return "### Errors"
        case .openTodo: return "### Open todos"
        }
    }

    /// The fact at enough length that its key is there, citing its entry when known.
    private func line(_ fact: RecallFact) -> String {
        switch fact.kind {
        case .humanRequest, .lastRequest:
            let request = facts.requests.last { Snippet.key($0.text) == fact.key }
            return Snippet.clip(fact.value, 400) + DigestRenderer.cite(request?.uuid)
        case .fileModified:
            return "`" + fact.value + "`"
        case .error:
            let failure = facts.failures.first { Snippet.key($0.target ?? $0.message) == fact.key }
            let ending = failure.map { $0.resolved ? " → later succeeded" : " → not resolved" } ?? ""
            return Snippet.clip(fact.value, 400) + ending + DigestRenderer.cite(failure?.uuid)
        case .openTodo:
            return "[ ] " + Snippet.clip(fact.value, 400)
        }
    }
}
