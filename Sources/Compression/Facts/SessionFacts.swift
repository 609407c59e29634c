/// What happened in a session, extracted without an LLM.
public struct SessionFacts: Sendable, Equatable {
    /// Something the person asked, verbatim, with the entry it came from.
    public struct Request: Sendable, Equatable {
        public var uuid: String?
        public var text: String
    }

    public struct Command: Sendable, Equatable {
        public var uuid: String?
        public var command: String
        public var failed: Bool
    }

    /// A tool call that failed, and whether a later call of the same tool on the same
    /// target succeeded.
    public struct ToolFailure: Sendable, Equatable {
        public var uuid: String?
        public var tool: String
        /// The command, file or other thing the call worked on; nil when it had none.
        public var target: String?
        public var message: String
        public var resolved: Bool
    }

    public struct Todo: Sendable, Equatable {
        public var content: String
        /// `pending`, `in_progress` or `completed`.
        public var status: String

        public init(content: String, status: String) {
            self.content = content
            self.status = status
        }

        public var isOpen: Bool { status != "completed" }
    }

    public struct Message: Sendable, Equatable {
        public var uuid: String?
        public var text: String
    }

    public var sessionID: String?
    public var cwd: String?
    public var requests: [Request] = []
    /// Paths relative to the working directory when under it, in first-touched order.
    public var filesRead: [String] = []
    public var filesModified: [String] = []
    public var filesCreated: [String] = []
    public var commands: [Command] = []
    public var failures: [ToolFailure] = []
    /// The final todo list (TodoWrite, or TaskCreate/TaskUpdate).
    public var todos: [Todo] = []
    public var gitBranches: [String] = []
    /// Claude Code's own summaries from compactions, oldest first.
    public var compactionSummaries: [String] = []
    public var lastAssistantMessage: Message?
    public var toolCallCount = 0

    public var lastRequest: Request? { requests.last }
    public var openTodos: [Todo] { todos.filter(\.isOpen) }
}
