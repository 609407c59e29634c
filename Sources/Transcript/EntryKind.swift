/// What a transcript line is, for search, statistics and compression. The raw values are
/// stored in databases: never rename them.
public enum EntryKind: String, Sendable, CaseIterable, Codable {
    /// Something the person typed.
    case humanPrompt = "human_prompt"
    /// Claude's prose.
    case assistantText = "assistant_text"
    case thinking
    /// A tool call (name and input).
    case toolCall = "tool_call"
    /// A tool's output, fed back as a user line.
    case toolResult = "tool_result"
    /// Slash-command wrappers, command output and other `isMeta` lines.
    case meta
    /// A user line that only carries `<system-reminder>` content.
    case systemReminder = "system_reminder"
    /// Claude Code's own summary after compaction, or a `summary` line.
    case compactSummary = "compact_summary"
    /// `system` lines: compaction boundaries, hook summaries, API errors, durations.
    case systemEvent = "system_event"
    /// `ai-title` and `custom-title` lines.
    case title
    /// Lines with no conversation: snapshots, queue operations, progress, unknown types.
    case bookkeeping
}
