import Transcript

/// The `digest` level: the facts as compact Markdown sections, fitted to a token budget.
///
/// It first renders everything at full detail; when that is over budget it tries shorter
/// plans (clipped text, fewer read files and commands), then drops requests from the
/// middle of the session (the first and the last stay), then resolved errors, and as a
/// last resort cuts whole lines from the end. Whatever it drops shows in the fact recall.
struct DigestRenderer {
    let facts: SessionFacts

    /// How much of each kind of fact a rendering shows.
    struct Plan {
        var textLimit: Int
        var replyLimit: Int
        var summaryLimit: Int
        var maxRead: Int
        var maxCommands: Int
        var keptRequests: Int = .max
        var keepResolvedErrors = true
        var maxCompletedTodos: Int
    }

    static let plans: [Plan] = [
        Plan(textLimit: 400, replyLimit: 800, summaryLimit: 1200, maxRead: 40, maxCommands: 20, maxCompletedTodos: 20),
        Plan(textLimit: 200, replyLimit: 400, summaryLimit: 400, maxRead: 12, maxCommands: 8, maxCompletedTodos: 5),
        Plan(textLimit: 120, replyLimit: 200, summaryLimit: 0, maxRead: 0, maxCommands: 0, maxCompletedTodos: 0),
        Plan(textLimit: Snippet.keyLength, replyLimit: 100, summaryLimit: 0, maxRead: 0, maxCommands: 0, maxCompletedTodos: 0),
    ]

    func render(maxTokens: Int) -> String {
        for plan in Self.plans {
            let text = render(plan)
            if TokenEstimator.estimate(text) <= maxTokens { return text }
        }
        var plan = Self.plans[Self.plans.count - 1]
        plan.keepResolvedErrors = false
        // Fewest requests dropped that fits, by bisection on how many are kept.
        var low = min(2, facts.requests.count), high = facts.requests.count
        if TokenEstimator.estimate(render(Plan(copy: plan, keptRequests: low))) <= maxTokens {
            while low < high {
                let middle = (low + high + 1) / 2
                if TokenEstimator.estimate(render(Plan(copy: plan, keptRequests: middle))) <= maxTokens { low = middle } else { high = middle - 1 }
            }
            return render(Plan(copy: plan, keptRequests: low))
        }
        return Self.cut(render(Plan(copy: plan, keptRequests: low)), to: maxTokens)
    }

    func render(_ plan: Plan) -> String {
        var out: [String] = ["# Session digest"]
        var about: [String] = []
        if let id = facts.sessionID { about.append("session \(id)") }
        if !facts.gitBranches.isEmpty { about.append("branch " + facts.gitBranches.joined(separator: ", ")) }
        about.append("\(facts.requests.count) requests, \(facts.toolCallCount) tool calls")
        out.append(about.joined(separator: " · "))

        let requests = keptRequests(plan.keptRequests)
        if !requests.list.isEmpty {
            out.append("\n## Goal and requests")
            for (number, request) in requests.list { out.append("\(number). " + Snippet.clip(request.text, plan.textLimit)) }
            if requests.omitted > 0 { out.append("(\(requests.omitted) requests in between not shown)") }
        }

        var files: [String] = []
        if !facts.filesModified.isEmpty { files.append("- Modified: " + facts.filesModified.joined(separator: ", ")) }
        if !facts.filesCreated.isEmpty { files.append("- Created: " + facts.filesCreated.joined(separator: ", ")) }
        if !facts.filesRead.isEmpty {
            let shown = facts.filesRead.prefix(plan.maxRead)
            let more = facts.filesRead.count - shown.count
            files.append("- Read: " + (shown.isEmpty ? "" : shown.joined(separator: ", ") + (more > 0 ? ", " : ""))
                + (more > 0 ? "\(more) \(shown.isEmpty ? "" : "more ")files" : ""))
        }
        if !files.isEmpty { out += ["\n## Files"] + files }

        let succeeded = facts.commands.filter { !$0.failed }
        if !succeeded.isEmpty && plan.maxCommands > 0 {
            let shown = succeeded.suffix(plan.maxCommands)
            out.append("\n## Commands" + (shown.count < succeeded.count ? " (last \(shown.count) of \(succeeded.count) that succeeded)" : ""))
            for command in shown { out.append("- `" + Snippet.clip(command.command, plan.textLimit) + "`") }
        }

        let failures = facts.failures.filter { plan.keepResolvedErrors || !$0.resolved }
        if !failures.isEmpty {
            out.append("\n## Errors and how they ended")
            for failure in failures {
                let what = failure.target.map { "`" + Snippet.clip($0, plan.textLimit) + "`: " } ?? ""
                out.append("- \(failure.tool) \(what)" + Snippet.clip(failure.message, plan.textLimit)
                    + (failure.resolved ? " → later succeeded" : " → not resolved"))
            }
            let hidden = facts.failures.count - failures.count
            if hidden > 0 { out.append("(\(hidden) errors that later succeeded not shown)") }
        }

        let open = facts.openTodos
        let done = facts.todos.filter { !$0.isOpen }
        if !open.isEmpty || (!done.isEmpty && plan.maxCompletedTodos > 0) {
            out.append("\n## Todos")
            for todo in open { out.append("- \(TodoList.mark(todo.status)) " + Snippet.clip(todo.content, plan.textLimit)) }
            for todo in done.prefix(plan.maxCompletedTodos) { out.append("- [x] " + Snippet.clip(todo.content, plan.textLimit)) }
            if done.count > plan.maxCompletedTodos { out.append("(\(done.count - plan.maxCompletedTodos) more completed)") }
        }

        if plan.summaryLimit > 0, let summary = facts.compactionSummaries.last {
            out += ["\n## Claude Code's compaction summary", Snippet.clip(summary, plan.summaryLimit)]
        }

        var stop: [String] = []
        if let last = facts.lastRequest {
            stop.append("- Last request" + Self.cite(last.uuid) + ": " + Snippet.clip(last.text, plan.textLimit))
        }
        if let reply = facts.lastAssistantMessage {
            stop.append("- Last reply" + Self.cite(reply.uuid) + ": " + Snippet.clip(reply.text, plan.replyLimit))
        }
        if !stop.isEmpty { out += ["\n## Where it stopped"] + stop }
        return out.joined(separator: "\n") + "\n"
    }

    /// The first request and the last `count - 1`, numbered as in the session.
    private func keptRequests(_ count: Int) -> (list: [(Int, SessionFacts.Request)], omitted: Int) {
        let all = Array(facts.requests.enumerated()).map { ($0.offset + 1, $0.element) }
        guard count < all.count else { return (all, 0) }
        guard count > 0 else { return ([], all.count) }
        return ([all[0]] + all.suffix(count - 1), all.count - count)
    }

    /// ` (entry <uuid>)`, so a reader can fetch the entry itself.
    static func cite(_ uuid: String?) -> String {
        uuid.map { " (entry \($0))" } ?? ""
    }

    /// Whole lines from the top that fit; never more than `maxTokens`.
    static func cut(_ text: String, to maxTokens: Int) -> String {
        var kept = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let next = kept + line + "\n"
            if TokenEstimator.estimate(next) > maxTokens { break }
            kept = next
        }
        return kept
    }
}

extension DigestRenderer.Plan {
    init(copy plan: Self, keptRequests: Int) {
        self = plan
        self.keptRequests = keptRequests
    }
}
