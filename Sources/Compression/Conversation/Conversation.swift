import Transcript

/// One session's conversation, ready to compress: the entries on the path it ended with
/// (see ``ConversationPath``), and every tool result of the file by the id of its call.
public struct Conversation: Sendable {
    public let sessionID: String?
    /// The working directory, for showing paths relative to it.
    public let cwd: String?
    /// The entries on the conversation's path, in order.
    public let entries: [TranscriptEntry]
    /// Tool results by `tool_use_id`, from the whole file: a result may sit just off the path.
    let results: [String: TranscriptEntry]

    /// - Parameter entries: every entry of one session, in file order.
    public init(entries all: [TranscriptEntry]) {
        var results: [String: TranscriptEntry] = [:]
        for entry in all where entry.kind == .toolResult {
            if let id = entry.toolUseID, results[id] == nil { results[id] = entry }
        }
        self.results = results
        entries = ConversationPath.select(all).map { all[$0] }
        sessionID = entries.lazy.compactMap(\.sessionID).first ?? all.lazy.compactMap(\.sessionID).first
        cwd = entries.lazy.compactMap(\.cwd).first ?? all.lazy.compactMap(\.cwd).first
    }

    /// The result answering `call`, when the file has one.
    func result(of call: TranscriptEntry.ToolCall) -> TranscriptEntry? {
        call.id.flatMap { results[$0] }
    }

    /// What the conversation costs as text: prompts, prose, thinking, tool calls and
    /// results, and compaction summaries on the path. The baseline of every ratio.
    public var inputTokens: Int {
        entries.reduce(0) { $0 + TokenEstimator.estimate($1.text) }
    }

    /// A path relative to the working directory when it lies under it.
    func displayPath(_ path: String) -> String {
        guard let cwd, !cwd.isEmpty else { return path }
        let base = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
