import Transcript

/// Extracts ``SessionFacts`` from a conversation: requests, files, commands, failures,
/// todos, branches, compaction summaries and where the session stopped.
public enum FactExtractor {
    public static func extract(_ conversation: Conversation) -> SessionFacts {
        var facts = SessionFacts(sessionID: conversation.sessionID, cwd: conversation.cwd)
        var todos = TodoList()
        var read = OrderedPaths()
        var modified = OrderedPaths()
        var created = OrderedPaths()
        var attempts: [Attempt] = []
        var failureAttempts: [Int] = []

        for entry in conversation.entries {
            if let branch = entry.gitBranch, !branch.isEmpty, !facts.gitBranches.contains(branch) {
                facts.gitBranches.append(branch)
            }
            switch entry.kind {
            case .humanPrompt:
                let text = EntryText.prompt(entry)
                if !text.isEmpty { facts.requests.append(.init(uuid: entry.uuid, text: text)) }
            case .compactSummary:
                if !entry.text.isEmpty { facts.compactionSummaries.append(entry.text) }
            case .assistantText:
                let prose = EntryText.prose(entry).trimmingCharacters(in: .whitespacesAndNewlines)
                if !prose.isEmpty { facts.lastAssistantMessage = .init(uuid: entry.uuid, text: prose) }
            default: break
            }
            for call in entry.toolCalls {
                facts.toolCallCount += 1
                let input = ToolInput(call.input)
                let result = conversation.result(of: call)
                let failed = result?.isError ?? false
                let path = input.filePath.map(conversation.displayPath)
                let target: String? = call.name == "Bash" ? input.string("command") : path ?? input.string("pattern") ?? input.string("url")
                attempts.append(Attempt(tool: call.name, target: target, failed: failed))
                if failed {
                    facts.failures.append(.init(
                        uuid: result?.uuid ?? entry.uuid, tool: call.name, target: target,
                        message: ErrorText.firstLine(result?.text ?? ""), resolved: false))
                    failureAttempts.append(attempts.count - 1)
                }
                switch call.name {
                case "Read": if !failed, let path { read.add(path) }
                case "Edit", "MultiEdit", "NotebookEdit":
                    if !failed, let path, !created.contains(path) { modified.add(path) }
                case "Write":
                    guard !failed, let path else { break }
                    let says = result?.text ?? ""
                    // The result says which it was; without one, a path never seen before was new.
                    let isNew = says.contains("created successfully")
                        || (!says.contains("has been updated") && !read.contains(path) && !modified.contains(path))
                    if isNew && !modified.contains(path) { created.add(path) } else if !created.contains(path) { modified.add(path) }
                case "Bash":
                    if let command = input.string("command") {
                        facts.commands.append(.init(uuid: entry.uuid, command: command, failed: failed))
                    }
                case "TodoWrite": todos.write(input)
                case "TaskCreate": todos.create(input, result: result?.text)
                case "TaskUpdate": todos.update(input)
                default: break
                }
            }
        }
        for (index, attemptIndex) in failureAttempts.enumerated() {
            let failure = attempts[attemptIndex]
            facts.failures[index].resolved = attempts[(attemptIndex + 1)...].contains {
                !$0.failed && $0.tool == failure.tool && $0.target == failure.target
            }
        }
        facts.filesCreated = created.paths
        facts.filesModified = modified.paths
        facts.filesRead = read.paths.filter { !modified.contains($0) && !created.contains($0) }
        facts.todos = todos.todos
        return facts
    }

    /// One tool call, for deciding later whether a failure was put right.
    private struct Attempt {
        let tool: String
        let target: String?
        let failed: Bool
    }
}

/// Paths in first-seen order without repeats.
struct OrderedPaths {
    private(set) var paths: [String] = []
    private var seen = Set<String>()

    mutating func add(_ path: String) {
        if seen.insert(path).inserted { paths.append(path) }
    }

    func contains(_ path: String) -> Bool { seen.contains(path) }
}
