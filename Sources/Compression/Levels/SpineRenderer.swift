/// The `spine` level: prompts and prose verbatim, each tool call as one line (with the
/// first line of its error when it failed).
struct SpineRenderer {
    let conversation: Conversation

    func render() -> String {
        let lines = ToolCallLine(conversation: conversation)
        var section = TranscriptSection()
        for entry in conversation.entries {
            switch entry.kind {
            case .humanPrompt:
                let prompt = EntryText.prompt(entry)
                if !prompt.isEmpty { section.speak("User", prompt, entry: entry.uuid) }
            case .compactSummary:
                section.speak("Summary of the conversation before compaction", Snippet.clip(entry.text, 400))
            case .assistantText, .toolCall:
                let prose = EntryText.prose(entry)
                if !prose.isEmpty { section.speak("Assistant", prose) }
                for call in entry.toolCalls { section.speak("Assistant", "- " + lines.line(call) + lines.failure(call)) }
            default: break
            }
        }
        return section.text
    }
}
