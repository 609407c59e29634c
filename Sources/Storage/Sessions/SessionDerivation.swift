import Foundation

/// Recomputes what a session row derives from its entries: the main chain flags, title,
/// project, branches, versions, models, time span, counts and token usage.
struct SessionDerivation {
    let connection: any SQLConnection
    let backend: StorageBackend

    /// Refreshes each of `sessionIDs`, in a stable order, from the scans given where they
    /// still match the stored session, else by reading its entries.
    func refresh(sessionIDs: Set<String>, now: String, scans: [String: SessionScan]) throws {
        for id in sessionIDs.sorted() { try refresh(sessionID: id, now: now, kept: scans[id]) }
    }

    private func refresh(sessionID: String, now: String, kept: SessionScan?) throws {
        let id = SQLValue.text(sessionID)
        var scan: SessionScan
        if let kept, try kept.matchesStoredSession(sessionID, connection: connection) {
            scan = kept
        } else {
            scan = try SessionScan(sessionID: sessionID, connection: connection)
        }
        let mainChainCount = try refreshMainChain(&scan)
        // A result's tool is named by the call it answers, which may have arrived in an
        // earlier upload.
        for result in scan.unnamedResults {
            guard let name = scan.tool(calledBy: result.toolUseID) else { continue }
            try connection.query("UPDATE entries SET tool_name = $1 WHERE id = $2", .text(name), .integer(result.id))
        }
        let projectID = try scan.cwd.map(ensureProject)
        let (title, titleSource) = Self.title(scan)
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
            .integer(Int64(scan.tree.count)), .text(JSONText.object(scan.kindCounts)),
            .integer(Int64(mainChainCount)), .integer(Int64(scan.errors)),
            .integer(usage.input), .integer(usage.output), .integer(usage.cacheCreation), .integer(usage.cacheRead),
            .text(scan.contentHash), .text(now))
    }

    /// Puts the entries on the path from the newest leaf back to the root on the main chain,
    /// and takes the others off: rewound branches and sidechains stay off it. Returns how
    /// many entries are on it.
    private func refreshMainChain(_ scan: inout SessionScan) throws -> Int {
        let onChain = scan.tree.mainChain()
        var setOn: [Int64] = []
        var setOff: [Int64] = []
        for index in onChain.indices where onChain[index] != scan.flagged[index] {
            if onChain[index] { setOn.append(scan.ids[index]) } else { setOff.append(scan.ids[index]) }
        }
        let mainChain = MainChainEntries(connection: connection, backend: backend)
        try mainChain.remove(setOff)
        try mainChain.add(setOn)
        return onChain.count { $0 }
    }

    /// `custom-title` beats `ai-title` beats a `summary` line beats the first human prompt;
    /// of a type, the newest line.
    private static func title(_ scan: SessionScan) -> (String?, String?) {
        for type in SessionScan.titleTypes {
            if let text = scan.titleLines[type] { return (shorten(text), type) }
        }
        return (scan.firstPrompt.map(shorten), scan.firstPrompt == nil ? nil : "first_prompt")
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
