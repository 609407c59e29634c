import Foundation

/// A stored session's metadata and statistics, derived from its entries.
public struct SessionSummary: Sendable, Equatable, Codable {
    public var id: String
    public var title: String?
    public var project: ProjectRef?
    public var parentSessionID: String?
    public var agentID: String?
    public var cwd: String?
    public var gitBranches: [String]
    public var versions: [String]
    public var models: [String]
    public var firstAt: String?
    public var lastAt: String?
    public var entryCount: Int
    public var mainChainCount: Int
    public var errorCount: Int
    public var kindCounts: [String: Int]
    public var usage: TokenUsage
    public var contentHash: String?
    public var createdAt: String
    public var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, project, cwd, versions, models, usage
        case parentSessionID = "parent_session_id"
        case agentID = "agent_id"
        case gitBranches = "git_branches"
        case firstAt = "first_at"
        case lastAt = "last_at"
        case entryCount = "entry_count"
        case mainChainCount = "main_chain_count"
        case errorCount = "error_count"
        case kindCounts = "kind_counts"
        case contentHash = "content_hash"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The project a session ran in, identified by its working directory.
public struct ProjectRef: Sendable, Equatable, Codable {
    public var id: Int64
    public var path: String
    public var name: String
}

/// A stored entry as the API returns it.
public struct StoredEntry: Sendable, Equatable, Codable {
    public var uuid: String
    public var parentUUID: String?
    public var sequence: Int64
    public var type: String
    public var kind: String
    public var isSidechain: Bool
    public var isMainChain: Bool
    public var timestamp: String?
    public var toolName: String?
    public var isError: Bool
    public var text: String
    public var raw: String

    enum CodingKeys: String, CodingKey {
        case uuid, type, kind, timestamp, text, raw
        case parentUUID = "parent_uuid"
        case sequence = "seq"
        case isSidechain = "is_sidechain"
        case isMainChain = "is_main_chain"
        case toolName = "tool_name"
        case isError = "is_error"
    }
}

/// Which sessions to list.
public struct SessionFilter: Sendable, Equatable {
    /// A project path, or a project name (the last path component).
    public var project: String?
    public var branch: String?
    /// Sessions active at or after this time (ISO-8601).
    public var from: String?
    /// Sessions active at or before this time (ISO-8601).
    public var to: String?
    public var includeSubagents: Bool

    public init(project: String? = nil, branch: String? = nil, from: String? = nil, to: String? = nil, includeSubagents: Bool = false) {
        self.project = project
        self.branch = branch
        self.from = from
        self.to = to
        self.includeSubagents = includeSubagents
    }
}

/// Which entries of a session to list.
public struct EntryFilter: Sendable, Equatable {
    public var kinds: [String]
    public var mainChainOnly: Bool

    public init(kinds: [String] = [], mainChainOnly: Bool = true) {
        self.kinds = kinds
        self.mainChainOnly = mainChainOnly
    }
}

/// One page of results and the cursor of the next, nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?
    public var total: Int
}

/// Opaque pagination cursors: base64url of the last item's sort key.
public enum Cursor {
    public static func encode(_ parts: [String]) -> String {
        Data(parts.joined(separator: "\u{1F}").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The parts, or nil when `text` is not a cursor this service made with `count` parts.
    public static func decode(_ text: String, count: Int) -> [String]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let joined = String(data: data, encoding: .utf8) else { return nil }
        let parts = joined.components(separatedBy: "\u{1F}")
        return parts.count == count ? parts : nil
    }
}
