import Foundation

/// Recomputes what a session row derives from its entries: the main chain flags, title,
/// project, branches, versions, models, time span, counts and token usage.
struct SessionDerivation {
    let connection: any SQLConnection
    let backend: StorageBackend

    /// Refreshes each of `sessionIDs`, in a stable order.
    func refresh(sessionIDs: Set<String>, now: String) throws {
        for id in sessionIDs.sorted() { try refresh(sessionID: id, now: now) }
    }

    func refresh(sessionID: String, now: String) throws {
        let id = SQLValue.text(sessionID)
        let scan = try SessionScan(sessionID: sessionID, connection: connection)
        let mainChainCount = try refreshMainChain(sessionID: sessionID, scan)
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
        let projectID = try scan.cwd.map(ensureProject)
        let (title, titleSource) = try deriveTitle(id)
        let usage = scan.usage

        try connection.query(
            """
            UPDATE sessions SET project_id = $2, title = $3, title_source = $4, cwd = $5, git_branches = $6,
                versions = $7, models = $8, first_at = $9, last_at = $10, entry_count = $11, kind_counts = $12,
                main_chain_count = $13, error_count = $14, input_tokens = $15, output_tokens = $16,
                cache_creation_tokens = $17, cache_read_tokens = $18, content_hash = $19,
                updated_at = CASE WHEN content_hash IS NOT DISTINCT FROM $19 THEN updated_at ELSE $20 END
            WHERE id = $1
            """,
            id, SQLValue(projectID), SQLValue(title), SQLValue(titleSource), SQLValue(scan.cwd),
            .text(JSONText.array(scan.branches.values)), .text(JSONText.array(scan.versions.values)),
            .text(JSONText.array(scan.models.values.filter { $0 != "<synthetic>" })),
            SQLValue(scan.firstAt), SQLValue(scan.lastAt),
            .integer(Int64(scan.nodes.count)), .text(JSONText.object(scan.kindCounts)),
            .integer(Int64(mainChainCount)), .integer(Int64(scan.errors)),
            .integer(usage.input), .integer(usage.output), .integer(usage.cacheCreation), .integer(usage.cacheRead),
            .text(scan.contentHash), .text(now))
    }

    /// Flags the entries on the path from the newest leaf back to the root; rewound
    /// branches and sidechains stay off it. Returns how many entries are on it.
    private func refreshMainChain(sessionID: String, _ scan: SessionScan) throws -> Int {
        let chain = ChainNode.mainChain(scan.nodes)
        var setOn: [String] = []
        var setOff: [String] = []
        var onChain = 0
        for (node, flagged) in zip(scan.nodes, scan.flagged) {
            let belongs = chain.contains(node.uuid)
            if belongs { onChain += 1 }
            if belongs && !flagged { setOn.append(node.uuid) }
            if !belongs && flagged { setOff.append(node.uuid) }
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
        return onChain
    }

    /// `custom-title` beats `ai-title` beats a `summary` line beats the first human prompt.
    private func deriveTitle(_ id: SQLValue) throws -> (String?, String?) {
        let named = try connection.query(
            """
            SELECT type, text FROM entries
            WHERE session_id = $1 AND type IN ('custom-title', 'ai-title', 'summary') AND text <> '' ORDER BY seq DESC
            """, id)
        for type in ["custom-title", "ai-title", "summary"] {
            // The newest line of the best type.
            if let text = named.first(where: { $0["type"].string == type })?["text"].string { return (Self.shorten(text), type) }
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

    static func shorten(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count <= 120 ? trimmed : String(trimmed.prefix(117)) + "..."
    }
}
