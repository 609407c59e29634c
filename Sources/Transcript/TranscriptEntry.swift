import Foundation

/// One parsed line of a Claude Code transcript. Unknown line types are kept, as
/// ``EntryKind/bookkeeping`` with their raw text.
public struct TranscriptEntry: Sendable, Equatable {
    public var type: String
    public var subtype: String?
    public var uuid: String?
    /// `parentUuid`, or for a compaction boundary its `logicalParentUuid`, so the chain runs
    /// on through compactions.
    public var parentUUID: String?
    public var sessionID: String?
    /// Set on subagent transcripts (`agent-<id>.jsonl`).
    public var agentID: String?
    public var isSidechain: Bool
    public var isMeta: Bool
    public var isCompactSummary: Bool
    /// ISO-8601 text as written by Claude Code.
    public var timestamp: String?
    public var cwd: String?
    public var gitBranch: String?
    public var version: String?
    public var model: String?
    /// `message.id`: one API response may span several lines sharing it.
    public var messageID: String?
    public var requestID: String?
    public var usage: Usage
    public var kind: EntryKind
    /// The first tool called on the line, for tool calls and results.
    public var toolName: String?
    public var toolUseID: String?
    /// A tool result marked `is_error`.
    public var isError: Bool
    /// The line's searchable text.
    public var text: String
    /// Tool calls on the line with their inputs, for fact extraction.
    public var toolCalls: [ToolCall]
    /// The line exactly as read (after redaction, when on).
    public var raw: String

    public struct Usage: Sendable, Equatable {
        public var input: Int64 = 0
        public var output: Int64 = 0
        public var cacheCreation: Int64 = 0
        public var cacheRead: Int64 = 0

        public init(input: Int64 = 0, output: Int64 = 0, cacheCreation: Int64 = 0, cacheRead: Int64 = 0) {
            self.input = input
            self.output = output
            self.cacheCreation = cacheCreation
            self.cacheRead = cacheRead
        }
    }

    public struct ToolCall: Sendable, Equatable {
        public var id: String?
        public var name: String
        /// The input as compact JSON text.
        public var input: String
    }
}
