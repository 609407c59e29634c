import Crypto
import Foundation

/// Everything a session row derives from its entries' narrow columns, gathered in one pass
/// over the entries in file order: read back from the store, or kept as they are written
/// (``PendingScans``).
///
/// One pass, not a query per figure: each query read every wide row of the session again
/// (raw line and text live in the row), and ten of them took 2.8 s of a 165,000-entry
/// import's 15 s.
struct SessionScan: Sendable {
    /// The columns read, in this order (rows are read by position: by name is a search per value).
    private enum Column: Int {
        case id, sequence, uuid, parentUUID, timestamp, isSidechain, onMainChain, type, kind, isError, cwd, gitBranch, version, model
        case messageID, requestID, inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens, toolName, toolUseID
        case titleText
    }
    /// The line types that name a session, best first; failing them, the first human prompt.
    static let titleTypes = ["custom-title", "ai-title", "summary"]
    /// The text is read only from lines that may give the title.
    private static let select = """
        SELECT e.id, e.seq, e.uuid, e.parent_uuid, e.timestamp, e.is_sidechain, m.entry_id IS NOT NULL AS on_main_chain, e.type, e.kind,
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
    /// The smallest and largest id, and the last entry's place in file order.
    private var idRange: ClosedRange<Int64>?
    private var last: (sequence: Int64, uuid: String)?
    /// False once an entry came before the one added last in file order: the scan no longer
    /// reads as the stored entries would.
    private(set) var inFileOrder = true
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

    /// An empty scan, for entries added as they are written.
    init() {}

    /// Reads the session's entries, in `seq, uuid` order.
    init(sessionID: String, connection: any SQLConnection) throws {
        try connection.forEachRow(Self.select, [.text(sessionID)]) { row in
            func value(_ column: Column) -> SQLValue { row[column.rawValue] }
            let entry = EntryRecord(
                uuid: value(.uuid).string ?? "", parentUUID: value(.parentUUID).string, sequence: value(.sequence).int64 ?? 0,
                type: value(.type).string ?? "", kind: value(.kind).string ?? "", isSidechain: value(.isSidechain).bool ?? false,
                timestamp: value(.timestamp).string, toolName: value(.toolName).string, toolUseID: value(.toolUseID).string,
                isError: value(.isError).bool ?? false, messageID: value(.messageID).string, requestID: value(.requestID).string,
                model: value(.model).string, cwd: value(.cwd).string, gitBranch: value(.gitBranch).string,
                version: value(.version).string,
                usage: TokenUsage(
                    input: value(.inputTokens).int64 ?? 0, output: value(.outputTokens).int64 ?? 0,
                    cacheCreation: value(.cacheCreationTokens).int64 ?? 0, cacheRead: value(.cacheReadTokens).int64 ?? 0),
                text: value(.titleText).string ?? "", raw: "")
            add(id: value(.id).int64 ?? 0, entry: entry, onMainChain: value(.onMainChain).bool ?? false)
        }
    }

    /// Adds the next entry in file order, with its id and whether it is on the main chain.
    mutating func add(id: Int64, entry: EntryRecord, onMainChain: Bool) {
        tree.add(uuid: entry.uuid, parent: entry.parentUUID, timestamp: entry.timestamp,
                 isSidechain: entry.isSidechain, inTree: !entry.uuid.hasPrefix("sha256:"))
        ids.append(id)
        flagged.append(onMainChain)
        idRange = idRange.map { min($0.lowerBound, id)...max($0.upperBound, id) } ?? id...id
        if let last, (last.sequence, last.uuid) >= (entry.sequence, entry.uuid) { inFileOrder = false }
        last = (entry.sequence, entry.uuid)
        let kind = entry.kind
        if let toolUseID = entry.toolUseID {
            if kind == "tool_call", let toolName = entry.toolName {
                let key = TextHash(toolUseID)
                if callTools[key] == nil { callTools[key] = toolNames.insert(toolName).memberAfterInsert }
            }
            if kind == "tool_result", entry.toolName == nil { unnamedResults.append((id, toolUseID)) }
        }
        if !entry.text.isEmpty {
            if kind == "human_prompt" {
                if firstPrompt == nil { firstPrompt = entry.text }
            } else if Self.titleTypes.contains(entry.type) {
                titleLines[entry.type] = entry.text
            }
        }
        hasher.update(entry.uuid)
        hasher.update("\n")
        kindCounts[kind, default: 0] += 1
        if entry.isError { errors += 1 }
        // ISO-8601 UTC text (and PostgreSQL's own UTC form) compares in time order.
        if let timestamp = entry.timestamp {
            if firstAt.map({ timestamp < $0 }) ?? true { firstAt = timestamp }
            if lastAt.map({ timestamp > $0 }) ?? true { lastAt = timestamp }
        }
        if cwd == nil { cwd = entry.cwd }
        branches.add(entry.gitBranch)
        versions.add(entry.version)
        models.add(entry.model)
        if let message = entry.messageID {
            let key = TextHash(message, entry.requestID ?? "")
            let seen = responses[key] ?? .zero
            responses[key] = TokenUsage(
                input: max(seen.input, entry.usage.input), output: max(seen.output, entry.usage.output),
                cacheCreation: max(seen.cacheCreation, entry.usage.cacheCreation),
                cacheRead: max(seen.cacheRead, entry.usage.cacheRead))
        }
    }

    /// Whether the stored session holds exactly the entries this scan saw, flagged as it saw
    /// them: nothing has derived it since it was created (every derivation sets its
    /// content_hash), and its entries' count and id range are the scan's.
    func matchesStoredSession(_ sessionID: String, connection: any SQLConnection) throws -> Bool {
        guard inFileOrder, let idRange else { return false }
        let row = try connection.query(
            """
            SELECT count(*) AS n, min(id) AS first, max(id) AS last FROM entries
            WHERE session_id = $1 AND EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND content_hash IS NULL)
            """, .text(sessionID))[0]
        return row["n"].int == ids.count && row["first"].int64 == idRange.lowerBound && row["last"].int64 == idRange.upperBound
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
