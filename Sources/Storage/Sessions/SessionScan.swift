import Crypto
import Foundation

/// Everything a session row derives from its entries' narrow columns, gathered in one pass
/// over the entries in file order.
///
/// One pass, not a query per figure: each query read every wide row of the session again
/// (raw line and text live in the row), and ten of them took 2.8 s of a 165,000-entry
/// import's 15 s.
struct SessionScan {
    /// The columns read, in this order (rows are read by position: by name is a search per value).
    private enum Column: Int {
        case id, uuid, parentUUID, timestamp, isSidechain, onMainChain, type, kind, isError, cwd, gitBranch, version, model
        case messageID, requestID, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, toolName, toolUseID
        case titleText
    }
    /// The line types that name a session, best first; failing them, the first human prompt.
    static let titleTypes = ["custom-title", "ai-title", "summary"]
    /// The text is read only from lines that may give the title.
    private static let select = """
        SELECT e.id, e.uuid, e.parent_uuid, e.timestamp, e.is_sidechain, m.entry_id IS NOT NULL AS on_main_chain, e.type, e.kind,
               e.is_error, e.cwd, e.git_branch, e.version, e.model, e.message_id, e.request_id, e.input_tokens, e.output_tokens,
               e.cache_creation_tokens, e.cache_read_tokens, e.tool_name, e.tool_use_id,
               CASE WHEN e.type IN (\(titleTypes.map { "'\($0)'" }.joined(separator: ", "))) OR e.kind = 'human_prompt'
                    THEN e.text END AS title_text
        FROM entries e LEFT JOIN main_chain_entries m ON m.entry_id = e.id
        WHERE e.session_id = $1 ORDER BY e.seq, e.uuid
        """

    /// The entries' tree for the main-chain walk, each entry's id and whether it is on the
    /// chain now, by position.
    var tree = ConversationTree()
    var ids: [Int64] = []
    var flagged: [Bool] = []
    /// Tool results stored without their tool's name (their call came in an earlier upload),
    /// and the tool of the first call with each tool_use id. The ids are kept as hashes and
    /// each name once: a session has few tools and many calls.
    var unnamedResults: [(id: Int64, toolUseID: String)] = []
    private var callTools: [TextHash: String] = [:]
    private var toolNames = Set<String>()
    /// The newest non-empty line of each title type, and the first non-empty human prompt.
    var titleLines: [String: String] = [:]
    var firstPrompt: String?
    var errors = 0
    var firstAt: String?
    var lastAt: String?
    var kindCounts: [String: Int] = [:]
    /// The first working directory, branches, versions and models in first-seen order.
    var cwd: String?
    var branches = FirstSeen()
    var versions = FirstSeen()
    var models = FirstSeen()
    /// One API response is written as several lines sharing message.id (+ requestId): its
    /// usage counts once, as the largest figures any of its lines carries.
    private var responses: [TextHash: TokenUsage] = [:]
    /// SHA-256 over the uuids in file order: changes whenever the content does.
    private var hasher = SHA256()

    /// Reads the session's entries, in `seq, uuid` order.
    init(sessionID: String, connection: any SQLConnection) throws {
        try connection.forEachRow(Self.select, [.text(sessionID)]) { add($0) }
    }

    private mutating func add(_ row: SQLRow) {
        func value(_ column: Column) -> SQLValue { row[column.rawValue] }
        let uuid = value(.uuid).string ?? ""
        let timestamp = value(.timestamp).string
        tree.add(uuid: uuid, parent: value(.parentUUID).string, timestamp: timestamp,
                 isSidechain: value(.isSidechain).bool ?? false, inTree: !uuid.hasPrefix("sha256:"))
        let id = value(.id).int64 ?? 0
        ids.append(id)
        flagged.append(value(.onMainChain).bool ?? false)
        let kind = value(.kind).string ?? ""
        if let toolUseID = value(.toolUseID).string {
            let toolName = value(.toolName).string
            if kind == "tool_call", let toolName {
                let key = TextHash(toolUseID)
                if callTools[key] == nil { callTools[key] = toolNames.insert(toolName).memberAfterInsert }
            }
            if kind == "tool_result", toolName == nil { unnamedResults.append((id, toolUseID)) }
        }
        if let text = value(.titleText).string, !text.isEmpty {
            if kind == "human_prompt" {
                if firstPrompt == nil { firstPrompt = text }
            } else if let type = value(.type).string {
                titleLines[type] = text
            }
        }
        hasher.update(uuid)
        hasher.update("\n")
        kindCounts[kind, default: 0] += 1
        if value(.isError).bool == true { errors += 1 }
        // ISO-8601 UTC text (and PostgreSQL's own UTC form) compares in time order.
        if let timestamp {
            if firstAt.map({ timestamp < $0 }) ?? true { firstAt = timestamp }
            if lastAt.map({ timestamp > $0 }) ?? true { lastAt = timestamp }
        }
        if cwd == nil { cwd = value(.cwd).string }
        branches.add(value(.gitBranch).string)
        versions.add(value(.version).string)
        models.add(value(.model).string)
        if let message = value(.messageID).string {
            let key = TextHash(message, value(.requestID).string ?? "")
            let seen = responses[key] ?? .zero
            responses[key] = TokenUsage(
                input: max(seen.input, value(.inputTokens).int64 ?? 0), output: max(seen.output, value(.outputTokens).int64 ?? 0),
                cacheCreation: max(seen.cacheCreation, value(.cacheCreationTokens).int64 ?? 0),
                cacheRead: max(seen.cacheRead, value(.cacheReadTokens).int64 ?? 0))
        }
    }

    var usage: TokenUsage {
        responses.values.reduce(.zero) {
            TokenUsage(input: $0.input + $1.input, output: $0.output + $1.output,
                       cacheCreation: $0.cacheCreation + $1.cacheCreation, cacheRead: $0.cacheRead + $1.cacheRead)
        }
    }

    var contentHash: String { hasher.finalize().hexString }

    /// The tool of the call with this tool_use id, if the session holds one.
    func tool(calledBy toolUseID: String) -> String? { callTools[TextHash(toolUseID)] }

    /// Texts as two independent 64-bit hashes: 16 bytes instead of the strings, and a
    /// collision as unlikely as a 128-bit one.
    private struct TextHash: Hashable {
        let first: Int
        let second: Int

        init(_ text: String, _ more: String? = nil) {
            func hash(_ seed: UInt8) -> Int {
                var hasher = Hasher()
                hasher.combine(seed)
                hasher.combine(text)
                if let more { hasher.combine(more) }
                return hasher.finalize()
            }
            first = hash(0)
            second = hash(1)
        }
    }

    /// Distinct non-empty values in first-seen order.
    struct FirstSeen {
        private(set) var values: [String] = []
        private var seen = Set<String>()

        mutating func add(_ value: String?) {
            guard let value, !value.isEmpty, seen.insert(value).inserted else { return }
            values.append(value)
        }
    }
}

private extension SHA256 {
    /// Adds the text's UTF-8 bytes without copying them.
    mutating func update(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            update(data: Array(text.utf8))
        }
    }
}
