/// Markdown context for a new session, within a token budget.
public struct RestorePack: Sendable {
    /// How one session went into the pack.
    public struct Part: Sendable {
        public var sessionID: String
        public var level: CompressionLevel
        public var tokens: Int
        public var recall: FactRecall
    }

    public var text: String
    public var tokens: Int
    public var maxTokens: Int
    public var parts: [Part]
    /// Sessions left out because the budget ran out before them.
    public var omittedSessions: [String]
}
