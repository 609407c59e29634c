import Transcript

/// What to search for and where: the parsed query plus filters and paging.
public struct SearchRequest: Sendable, Equatable {
    public enum Grouping: String, Sendable, CaseIterable {
        /// Sessions ranked by their best hit, each with its best entries.
        case session
        /// Entries ranked one by one.
        case entry
    }

    /// The entry kinds searched when a request names none: what people and Claude said and
    /// did. Tool output and thinking are searched only when asked for.
    public static let defaultKinds = ["human_prompt", "assistant_text", "tool_call", "compact_summary", "title"]

    /// Every kind a request may name.
    public static let knownKinds = EntryKind.allCases.map(\.rawValue)

    public var query: SearchQuery
    public var grouping: Grouping
    public var project: String?
    public var branch: String?
    public var sessionID: String?
    /// ISO-8601 bounds on the entry's timestamp.
    public var from: String?
    public var to: String?
    public var kinds: [String]
    public var toolName: String?
    public var errorsOnly: Bool
    public var limit: Int
    /// Entries shown under each session when grouping by session.
    public var hitsPerSession: Int

    public init(
        query: SearchQuery, grouping: Grouping = .session, project: String? = nil, branch: String? = nil,
        sessionID: String? = nil, from: String? = nil, to: String? = nil, kinds: [String] = SearchRequest.defaultKinds,
        toolName: String? = nil, errorsOnly: Bool = false, limit: Int = 20, hitsPerSession: Int = 3
    ) {
        self.query = query
        self.grouping = grouping
        self.project = project
        self.branch = branch
        self.sessionID = sessionID
        self.from = from
        self.to = to
        self.kinds = kinds
        self.toolName = toolName
        self.errorsOnly = errorsOnly
        self.limit = limit
        self.hitsPerSession = hitsPerSession
    }
}

/// One matching entry.
public struct SearchHit: Sendable, Equatable, Codable {
    public var sessionID: String
    public var sessionTitle: String?
    public var project: String?
    public var branch: String?
    public var timestamp: String?
    public var entryUUID: String
    public var kind: String
    public var toolName: String?
    /// Higher is better; comparable within one result set only.
    public var score: Double
    /// The matching passage with matched words between `<mark>` and `</mark>`.
    public var snippet: String

    public init(sessionID: String, sessionTitle: String?, project: String?, branch: String?, timestamp: String?,
                entryUUID: String, kind: String, toolName: String?, score: Double, snippet: String) {
        self.sessionID = sessionID
        self.sessionTitle = sessionTitle
        self.project = project
        self.branch = branch
        self.timestamp = timestamp
        self.entryUUID = entryUUID
        self.kind = kind
        self.toolName = toolName
        self.score = score
        self.snippet = snippet
    }

    enum CodingKeys: String, CodingKey {
        case project, branch, timestamp, kind, score, snippet
        case sessionID = "session_id"
        case sessionTitle = "session_title"
        case entryUUID = "entry_uuid"
        case toolName = "tool_name"
    }
}

/// A session and its best hits.
public struct SessionHits: Sendable, Equatable, Codable {
    public var sessionID: String
    public var title: String?
    public var project: String?
    public var score: Double
    public var hitCount: Int
    public var hits: [SearchHit]

    public init(sessionID: String, title: String?, project: String?, score: Double, hitCount: Int, hits: [SearchHit]) {
        self.sessionID = sessionID
        self.title = title
        self.project = project
        self.score = score
        self.hitCount = hitCount
        self.hits = hits
    }

    enum CodingKeys: String, CodingKey {
        case title, project, score, hits
        case sessionID = "session_id"
        case hitCount = "hit_count"
    }
}
