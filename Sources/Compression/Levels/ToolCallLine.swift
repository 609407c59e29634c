import Transcript

/// One line saying what a tool call did, for the `spine` and `structural` levels.
struct ToolCallLine {
    let conversation: Conversation

    func line(_ call: TranscriptEntry.ToolCall) -> String {
        let input = ToolInput(call.input)
        let path = input.filePath.map(conversation.displayPath)
        let detail: String
        switch call.name {
        case "Read":
            let range = input.int("offset").map { offset in " from line \(offset)" + (input.int("limit").map { ", \($0) lines" } ?? "") } ?? ""
            detail = (path ?? "?") + range
        case "Edit": detail = path ?? "?"
        case "MultiEdit": detail = (path ?? "?") + " (\(input.objects("edits").count) edits)"
        case "Write":
            let lines = input.string("content").map { $0.split(separator: "\n", omittingEmptySubsequences: false).count } ?? 0
            detail = (path ?? "?") + " (\(lines) lines)"
        case "NotebookEdit": detail = path ?? "?"
        case "Bash": detail = "`" + Snippet.clip(input.string("command") ?? "", 200) + "`"
        case "Grep": detail = "`" + Snippet.clip(input.string("pattern") ?? "", 100) + "`" + (path.map { " in \($0)" } ?? "")
        case "Glob": detail = "`" + Snippet.clip(input.string("pattern") ?? "", 100) + "`" + (path.map { " in \($0)" } ?? "")
        case "TodoWrite":
            detail = input.objects("todos").map { todo in
                "\(TodoList.mark(todo["status"] as? String)) " + Snippet.clip(todo["content"] as? String ?? "", 120)
            }.joined(separator: "; ")
        case "TaskCreate": detail = Snippet.clip(input.string("subject") ?? input.string("description") ?? "", 160)
        case "TaskUpdate":
            detail = "#\(input.string("taskId") ?? input.int("taskId").map(String.init) ?? "?")"
                + (input.string("status").map { " → \($0)" } ?? "")
                + (input.string("subject").map { ": " + Snippet.clip($0, 120) } ?? "")
        case "Task", "Agent":
            detail = (input.string("subagent_type").map { "(\($0)) " } ?? "") + Snippet.clip(input.string("description") ?? input.string("prompt") ?? "", 160)
        case "WebFetch": detail = input.string("url") ?? ""
        case "WebSearch": detail = Snippet.clip(input.string("query") ?? "", 160)
        default: detail = Snippet.clip(call.input, 160)
        }
        return "\(call.name) \(detail)"
    }

    /// ` ✗ <first line of the error>` for a failed call, empty otherwise.
    func failure(_ call: TranscriptEntry.ToolCall) -> String {
        guard let result = conversation.result(of: call), result.isError else { return "" }
        return " ✗ " + Snippet.clip(ErrorText.firstLine(result.text), 160)
    }
}
