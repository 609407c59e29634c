/// A session to restore context from.
public struct RestoreSource: Sendable {
    public var sessionID: String
    public var title: String?
    public var gitBranch: String?
    /// When the session was last active (ISO-8601).
    public var lastActivity: String?
    public var conversation: Conversation

    public init(sessionID: String, title: String? = nil, gitBranch: String? = nil, lastActivity: String? = nil, conversation: Conversation) {
        self.sessionID = sessionID
        self.title = title
        self.gitBranch = gitBranch
        self.lastActivity = lastActivity
        self.conversation = conversation
    }
}
