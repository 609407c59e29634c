import Transcript

/// The `structural` level: the conversation as it was, minus what a reader can do without.
///
/// Thinking goes; tool output is cut to its head and tail with a count of what was cut; a
/// file read again unchanged is not shown twice; base64 blobs are dropped. Every prompt and
/// every piece of prose stays verbatim.
struct StructuralRenderer {
    let conversation: Conversation
    var output = OutputTrimmer()
    /// New file content written by Edit and Write is shown shorter than tool output.
    var written = OutputTrimmer(headLines: 4, tailLines: 2, keepWholeLines: 8, keepWholeCharacters: 500)

    func render() -> String {
        let lines = ToolCallLine(conversation: conversation)
        var section = TranscriptSection()
        var reads = ReadTracker()
        for entry in conversation.entries {
            switch entry.kind {
            case .humanPrompt:
                let prompt = EntryText.prompt(entry)
                if !prompt.isEmpty { section.speak("User", prompt, entry: entry.uuid) }
            case .compactSummary:
                section.speak("Summary of the conversation before compaction", entry.text)
            case .assistantText, .toolCall:
                let prose = EntryText.prose(entry)
                if !prose.isEmpty { section.speak("Assistant", prose) }
                for call in entry.toolCalls {
                    section.speak("Assistant", "→ " + lines.line(call) + writtenContent(call) + resultText(call, reads: &reads))
                }
            default: break
            }
        }
        return section.text
    }

    private func writtenContent(_ call: TranscriptEntry.ToolCall) -> String {
        let input = ToolInput(call.input)
        let content: String?
        switch call.name {
        case "Write": content = input.string("content")
        case "Edit": content = input.string("new_string")
        default: content = nil
        }
        return content.map { "\n" + written.trim($0) } ?? ""
    }

    private func resultText(_ call: TranscriptEntry.ToolCall, reads: inout ReadTracker) -> String {
        let input = ToolInput(call.input)
        if let path = input.filePath, ["Edit", "MultiEdit", "Write", "NotebookEdit"].contains(call.name) {
            reads.changed(path)
        }
        guard let result = conversation.result(of: call) else { return "" }
        let mark = result.isError ? "⎿ ✗ " : "⎿ "
        if call.name == "Read", !result.isError, let path = input.filePath,
           !reads.firstRead(path, offset: input.int("offset"), limit: input.int("limit")) {
            return "\n⎿ (unchanged since it was read above)"
        }
        let text = output.trim(result.text)
        return text.isEmpty ? "" : "\n" + mark + text
    }
}

/// Which file ranges were read, and whether they changed since.
struct ReadTracker {
    private var seen = Set<String>()

    /// True the first time a range is read, and again after the file changed.
    mutating func firstRead(_ path: String, offset: Int?, limit: Int?) -> Bool {
        seen.insert("\(path)\u{0}\(offset ?? 0)\u{0}\(limit ?? 0)").inserted
    }

    mutating func changed(_ path: String) {
        seen = seen.filter { !$0.hasPrefix(path + "\u{0}") }
    }
}
