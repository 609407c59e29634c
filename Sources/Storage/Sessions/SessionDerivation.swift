import Crypto
import Foundation

/// Recomputes what a session row derives from its entries: the main chain flags, title,
/// project, branches, versions, models, time span, counts and token usage.
struct SessionDerivation {
    let connection: any SQLConnection
    let backend: StorageBackend

    func refresh(sessionID: String, now: String) throws {
        let id = SQLValue.text(sessionID)
        try refreshMainChain(sessionID: sessionID)
        // A result's tool is named by the call it answers, which may have arrived in an
        // earlier upload.
        try connection.query(
            """
            UPDATE entries SET tool_name = (
                SELECT c.tool_name FROM entries c
                WHERE c.session_id = entries.session_id AND c.tool_use_id = entries.tool_use_id AND c.kind = 'tool_call'
                LIMIT 1)
            WHERE session_id = $1 AND kind = 'tool_result' AND tool_name IS NULL AND tool_use_id IS NOT NULL
            """, id)

        let totals = try connection.query(
            """
            SELECT count(*) AS entries,
                   sum(CASE WHEN is_main_chain THEN 1 ELSE 0 END) AS main_chain,
                   sum(CASE WHEN is_error THEN 1 ELSE 0 END) AS errors,
                   min(timestamp) AS first_at, max(timestamp) AS last_at
            FROM entries WHERE session_id = $1
            """, id)[0]
        var kindCounts: [String: Int] = [:]
        for row in try connection.query("SELECT kind, count(*) AS n FROM entries WHERE session_id = $1 GROUP BY kind", id) {
            kindCounts[row["kind"].string ?? ""] = row["n"].int ?? 0
        }
        // One API response is written as several lines sharing message.id: count it once.
        let usage = try connection.query(
            """
            SELECT coalesce(sum(i), 0) AS input, coalesce(sum(o), 0) AS output,
                   coalesce(sum(cc), 0) AS cache_creation, coalesce(sum(cr), 0) AS cache_read
            FROM (SELECT max(input_tokens) AS i, max(output_tokens) AS o,
                         max(cache_creation_tokens) AS cc, max(cache_read_tokens) AS cr
                  FROM entries WHERE session_id = $1 AND message_id IS NOT NULL
                  GROUP BY message_id, coalesce(request_id, '')) AS responses
            """, id)[0]
        let cwd = try connection.query(
            "SELECT cwd FROM entries WHERE session_id = $1 AND cwd IS NOT NULL ORDER BY seq LIMIT 1", id).first?["cwd"].string
        let projectID = try cwd.map(ensureProject)
        let (title, titleSource) = try deriveTitle(id)
        let hash = try contentHash(id)

        try connection.query(
            """
            UPDATE sessions SET project_id = $2, title = $3, title_source = $4, cwd = $5, git_branches = $6,
                versions = $7, models = $8, first_at = $9, last_at = $10, entry_count = $11, kind_counts = $12,
                main_chain_count = $13, error_count = $14, input_tokens = $15, output_tokens = $16,
                cache_creation_tokens = $17, cache_read_tokens = $18, content_hash = $19,
                updated_at = CASE WHEN content_hash IS NOT DISTINCT FROM $19 THEN updated_at ELSE $20 END
            WHERE id = $1
            """,
            id, SQLValue(projectID), SQLValue(title), SQLValue(titleSource), SQLValue(cwd),
            .text(try distinctInOrder("git_branch", id)), .text(try distinctInOrder("version", id)),
            .text(try distinctInOrder("model", id, excluding: "<synthetic>")),
            SQLValue(totals["first_at"].string), SQLValue(totals["last_at"].string),
            .integer(totals["entries"].int64 ?? 0), .text(JSONText.object(kindCounts)),
            .integer(totals["main_chain"].int64 ?? 0), .integer(totals["errors"].int64 ?? 0),
            .integer(usage["input"].int64 ?? 0), .integer(usage["output"].int64 ?? 0),
            .integer(usage["cache_creation"].int64 ?? 0), .integer(usage["cache_read"].int64 ?? 0),
            .text(hash), .text(now))
    }

    /// Flags the entries on the path from the newest leaf back to the root; rewound
    /// branches and sidechains stay off it.
    private func refreshMainChain(sessionID: String) throws {
        // Rows are streamed into compact nodes: a long session has hundreds of thousands.
        var nodes: [ChainNode] = []
        var flagged: [Bool] = []
        try connection.forEachRow(
            "SELECT uuid, parent_uuid, timestamp, is_sidechain, is_main_chain FROM entries WHERE session_id = $1 ORDER BY seq",
            [.text(sessionID)]
        ) { row in
            let uuid = row[0].string ?? ""
            nodes.append(ChainNode(uuid: uuid, parent: row[1].string, timestamp: row[2].string,
                                   isSidechain: row[3].bool ?? false, inTree: !uuid.hasPrefix("sha256:")))
            flagged.append(row[4].bool ?? false)
        }
        let chain = ChainNode.mainChain(nodes)
        var setOn: [String] = []
        var setOff: [String] = []
        for (node, flagged) in zip(nodes, flagged) {
            if chain.contains(node.uuid) && !flagged { setOn.append(node.uuid) }
            if !chain.contains(node.uuid) && flagged { setOff.append(node.uuid) }
        }
        for (uuids, flag) in [(setOn, 1), (setOff, 0)] where !uuids.isEmpty {
            for start in stride(from: 0, to: uuids.count, by: 500) {
                let slice = uuids[start..<min(start + 500, uuids.count)]
                let placeholders = (0..<slice.count).map { "$\($0 + 3)" }.joined(separator: ", ")
                try connection.query(
                    "UPDATE entries SET is_main_chain = $2 WHERE session_id = $1 AND uuid IN (\(placeholders))",
                    [.text(sessionID), .integer(Int64(flag))] + slice.map(SQLValue.text))
            }
        }
    }

    /// `custom-title` beats `ai-title` beats a `summary` line beats the first human prompt.
    private func deriveTitle(_ id: SQLValue) throws -> (String?, String?) {
        for type in ["custom-title", "ai-title", "summary"] {
            if let text = try connection.query(
                "SELECT text FROM entries WHERE session_id = $1 AND type = $2 AND text <> '' ORDER BY seq DESC LIMIT 1",
                id, .text(type)).first?["text"].string {
                return (Self.shorten(text), type)
            }
        }
        let prompt = try connection.query(
            "SELECT text FROM entries WHERE session_id = $1 AND kind = 'human_prompt' AND text <> '' ORDER BY seq LIMIT 1", id)
        return (prompt.first?["text"].string.map(Self.shorten), prompt.isEmpty ? nil : "first_prompt")
    }

    private func ensureProject(_ path: String) throws -> Int64 {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        try connection.query(
            "INSERT INTO projects (path, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (path) DO NOTHING",
            .text(path), .text(name), .text(Timestamp.format(Date())))
        return try connection.query("SELECT id FROM projects WHERE path = $1", .text(path))[0]["id"].int64 ?? 0
    }

    /// Distinct non-null values of a column in first-seen order, as a JSON array.
    private func distinctInOrder(_ column: String, _ id: SQLValue, excluding excluded: String? = nil) throws -> String {
        let rows = try connection.query(
            "SELECT \(column) AS value, min(seq) AS first FROM entries WHERE session_id = $1 AND \(column) IS NOT NULL AND \(column) <> '' GROUP BY \(column) ORDER BY first",
            id)
        return JSONText.array(rows.compactMap { $0["value"].string }.filter { $0 != excluded })
    }

    /// SHA-256 over the entry uuids in file order: changes whenever the content does.
    private func contentHash(_ id: SQLValue) throws -> String {
        var hasher = SHA256()
        try connection.forEachRow("SELECT uuid FROM entries WHERE session_id = $1 ORDER BY seq, uuid", [id]) { row in
            hasher.update(data: Data(((row[0].string ?? "") + "\n").utf8))
        }
        return hasher.finalize().hexString
    }

    static func shorten(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= 120 ? trimmed : String(trimmed.prefix(117)) + "..."
    }
}
