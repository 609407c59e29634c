/// One transcript line as storage keeps it. Built by the ingest code from a parsed entry;
/// storage knows the fields, not how a Claude Code line is parsed.
public struct EntryRecord: Sendable, Equatable {
    /// Claude's `uuid`, or `sha256:<hex>` of the raw line for lines without one.
    public var uuid: String
    public var parentUUID: String?
    /// Byte offset of the line in its file: orders entries however the file was split.
    public var sequence: Int64
    public var type: String
    public var kind: String
    public var isSidechain: Bool
    /// ISO-8601 UTC text, or nil when the line has no timestamp.
    public var timestamp: String?
    public var toolName: String?
    /// The tool call's id, on tool calls and on the results that answer them.
    public var toolUseID: String?
    public var isError: Bool
    public var messageID: String?
    public var requestID: String?
    public var model: String?
    public var cwd: String?
    public var gitBranch: String?
    public var version: String?
    public var usage: TokenUsage
    /// The searchable text of the line.
    public var text: String
    /// The line exactly as received (after redaction).
    public var raw: String

    public init(
        uuid: String, parentUUID: String?, sequence: Int64, type: String, kind: String, isSidechain: Bool,
        timestamp: String?, toolName: String?, toolUseID: String? = nil, isError: Bool, messageID: String?, requestID: String?,
        model: String?, cwd: String?, gitBranch: String?, version: String?, usage: TokenUsage,
        text: String, raw: String
    ) {
        self.uuid = uuid
        self.parentUUID = parentUUID
        self.sequence = sequence
        self.type = type
        self.kind = kind
        self.isSidechain = isSidechain
        self.timestamp = timestamp
        self.toolName = toolName
        self.toolUseID = toolUseID
        self.isError = isError
        self.messageID = messageID
        self.requestID = requestID
        self.model = model
        self.cwd = cwd
        self.gitBranch = gitBranch
        self.version = version
        self.usage = usage
        self.text = text
        self.raw = raw
    }
}

/// Token counts of one API response (or their totals over a session).
public struct TokenUsage: Sendable, Equatable, Codable {
    public var input: Int64
    public var output: Int64
    public var cacheCreation: Int64
    public var cacheRead: Int64

    public init(input: Int64 = 0, output: Int64 = 0, cacheCreation: Int64 = 0, cacheRead: Int64 = 0) {
        self.input = input
        self.output = output
        self.cacheCreation = cacheCreation
        self.cacheRead = cacheRead
    }

    public static let zero = TokenUsage()

    enum CodingKeys: String, CodingKey {
        case input = "input_tokens"
        case output = "output_tokens"
        case cacheCreation = "cache_creation_tokens"
        case cacheRead = "cache_read_tokens"
    }
}

/// The entries of one session to store, with how the session relates to others.
public struct SessionBatch: Sendable {
    /// The stored session id: Claude's `sessionId`, or `<sessionId>:agent-<agentId>` for a
    /// subagent transcript.
    public var sessionID: String
    /// For a subagent transcript, the session that ran it.
    public var parentSessionID: String?
    public var agentID: String?
    public var entries: [EntryRecord]

    public init(sessionID: String, parentSessionID: String? = nil, agentID: String? = nil, entries: [EntryRecord]) {
        self.sessionID = sessionID
        self.parentSessionID = parentSessionID
        self.agentID = agentID
        self.entries = entries
    }
}

/// What storing one batch did.
public struct IngestOutcome: Sendable, Equatable {
    public let sessionID: String
    /// Entries new to the store.
    public let inserted: Int
    /// Entries already stored (same session and uuid), left as they were.
    public let duplicates: Int
    /// Whether the session row was created by this batch.
    public let created: Bool

    public init(sessionID: String, inserted: Int, duplicates: Int, created: Bool) {
        self.sessionID = sessionID
        self.inserted = inserted
        self.duplicates = duplicates
        self.created = created
    }

    /// Whether the batch created the session or added entries to it: only then must the
    /// session be derived again.
    public var changedSession: Bool { created || inserted > 0 }
}
