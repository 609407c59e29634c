import Foundation

extension SQLStorage {
    public func ingest(groups next: @escaping @Sendable () throws -> [SessionBatch]?, deriving: Bool) async throws -> [IngestOutcome] {
        let backend = self.backend
        let pending = pendingScans
        let (outcomes, scans) = try await database.write { connection in
            let now = Timestamp.format(Date())
            let writer = SessionIngestWriter(connection: connection, backend: backend, now: now)
            var outcomes: [IngestOutcome] = []
            var scans = ScansInTransaction(pending: pending)
            while let batches = try next() {
                for batch in batches {
                    let written = try writer.write(batch)
                    outcomes.append(written.outcome)
                    scans.extend(with: written)
                }
            }
            if deriving {
                // Once per session at the end, however many groups it came in.
                let changed = Set(outcomes.filter(\.changedSession).map(\.sessionID))
                try SessionDerivation(connection: connection, backend: backend)
                    .refresh(sessionIDs: changed, now: now, scans: scans.take(changed))
            }
            return (outcomes, scans.scans)
        }
        pending?.keep(scans)
        return outcomes
    }

    public func refreshSessions(_ ids: Set<String>) async throws {
        guard !ids.isEmpty else { return }
        let backend = self.backend
        let kept = pendingScans?.take(ids) ?? [:]
        try await database.write { connection in
            try SessionDerivation(connection: connection, backend: backend)
                .refresh(sessionIDs: ids, now: Timestamp.format(Date()), scans: kept)
        }
    }

    public func session(id: String) async throws -> SessionSummary? {
        try await database.read { connection in
            try connection.query(SessionRow.select + " WHERE s.id = $1", .text(id)).first.map(SessionRow.summary)
        }
    }

    public func subagents(of id: String) async throws -> [SessionSummary] {
        try await database.read { connection in
            try connection.query(SessionRow.select + " WHERE s.parent_session_id = $1 ORDER BY s.id", .text(id)).map(SessionRow.summary)
        }
    }

    public func sessions(matching filter: SessionFilter, cursor: String?, limit: Int) async throws -> Page<SessionSummary> {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        func bind(_ value: SQLValue) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        if !filter.includeSubagents { conditions.append("s.parent_session_id IS NULL") }
        if let project = filter.project {
            let placeholder = bind(.text(project))
            conditions.append("s.project_id IN (SELECT id FROM projects WHERE path = \(placeholder) OR name = \(placeholder))")
        }
        if let branch = filter.branch {
            // The session's derived branch list (a JSON array), not its entries: no entry index needed.
            let placeholder = bind(.text(branch))
            switch backend {
            case .sqlite: conditions.append("EXISTS (SELECT 1 FROM json_each(s.git_branches) WHERE value = \(placeholder))")
            case .postgres: conditions.append("s.git_branches::jsonb ? \(placeholder)")
            }
        }
        if let from = filter.from { conditions.append("coalesce(s.last_at, s.created_at) >= \(bind(.text(from)))") }
        if let to = filter.to { conditions.append("coalesce(s.first_at, s.created_at) <= \(bind(.text(to)))") }
        let countConditions = conditions
        let countBindings = bindings
        if let cursor {
            guard let parts = Cursor.decode(cursor, count: 2), Timestamp.parse(parts[0]) != nil else { throw InvalidCursor() }
            let at = bind(.text(parts[0]))
            let id = bind(.text(parts[1]))
            conditions.append("(coalesce(s.last_at, s.created_at) < \(at) OR (coalesce(s.last_at, s.created_at) = \(at) AND s.id < \(id)))")
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let countWhere = countConditions.isEmpty ? "" : " WHERE " + countConditions.joined(separator: " AND ")
        let sql = SessionRow.select + whereClause
            + " ORDER BY coalesce(s.last_at, s.created_at) DESC, s.id DESC LIMIT \(bind(.integer(Int64(limit + 1))))"
        let finalBindings = bindings
        return try await database.read { connection in
            let rows = try connection.query(sql, finalBindings)
            let total = try connection.query("SELECT count(*) AS n FROM sessions s" + countWhere, countBindings)[0]["n"].int ?? 0
            var items = rows.map(SessionRow.summary)
            var next: String?
            if items.count > limit {
                items.removeLast()
                if let last = items.last { next = Cursor.encode([last.lastAt ?? last.createdAt, last.id]) }
            }
            return Page(items: items, nextCursor: next, total: total)
        }
    }

    public func entries(of sessionID: String, matching filter: EntryFilter, cursor: String?, limit: Int) async throws -> Page<StoredEntry> {
        var conditions = ["session_id = $1"]
        var bindings: [SQLValue] = [.text(sessionID)]
        func bind(_ value: SQLValue) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        if filter.mainChainOnly { conditions.append(MainChainEntries.contains("entries.id")) }
        if !filter.kinds.isEmpty { conditions.append("kind IN (" + filter.kinds.map { bind(.text($0)) }.joined(separator: ", ") + ")") }
        let countConditions = conditions
        let countBindings = bindings
        if let cursor {
            guard let parts = Cursor.decode(cursor, count: 2), let sequence = Int64(parts[0]) else { throw InvalidCursor() }
            let seq = bind(.integer(sequence))
            conditions.append("(seq > \(seq) OR (seq = \(seq) AND uuid > \(bind(.text(parts[1])))))")
        }
        let sql = "SELECT uuid, parent_uuid, seq, type, kind, is_sidechain, \(MainChainEntries.contains("entries.id")) AS is_main_chain,"
            + " timestamp, tool_name, is_error, text, raw"
            + " FROM entries WHERE " + conditions.joined(separator: " AND ")
            + " ORDER BY seq, uuid LIMIT \(bind(.integer(Int64(limit + 1))))"
        let finalBindings = bindings
        return try await database.read { connection in
            var items = try connection.query(sql, finalBindings).map(SessionRow.entry)
            let total = try connection.query(
                "SELECT count(*) AS n FROM entries WHERE " + countConditions.joined(separator: " AND "), countBindings)[0]["n"].int ?? 0
            var next: String?
            if items.count > limit {
                items.removeLast()
                if let last = items.last { next = Cursor.encode([String(last.sequence), last.uuid]) }
            }
            return Page(items: items, nextCursor: next, total: total)
        }
    }

    public func deleteSession(id: String) async throws -> Bool {
        try await database.write { connection in
            // Entries and subagent sessions go with it (ON DELETE CASCADE).
            !(try connection.query("DELETE FROM sessions WHERE id = $1 RETURNING id", .text(id)).isEmpty)
        }
    }
}

/// Maps session and entry rows to their views.
enum SessionRow {
    static let select = """
        SELECT s.id, s.title, s.parent_session_id, s.agent_id, s.cwd, s.git_branches, s.versions, s.models,
               s.first_at, s.last_at, s.entry_count, s.main_chain_count, s.error_count, s.kind_counts,
               s.input_tokens, s.output_tokens, s.cache_creation_tokens, s.cache_read_tokens, s.content_hash,
               s.created_at, s.updated_at, p.id AS project_id, p.path AS project_path, p.name AS project_name
        FROM sessions s LEFT JOIN projects p ON p.id = s.project_id
        """

    static func summary(_ row: SQLRow) -> SessionSummary {
        let project = row["project_id"].int64.map {
            ProjectRef(id: $0, path: row["project_path"].string ?? "", name: row["project_name"].string ?? "")
        }
        return SessionSummary(
            id: row["id"].string ?? "", title: row["title"].string, project: project,
            parentSessionID: row["parent_session_id"].string, agentID: row["agent_id"].string, cwd: row["cwd"].string,
            gitBranches: JSONText.decodeArray(row["git_branches"].string), versions: JSONText.decodeArray(row["versions"].string),
            models: JSONText.decodeArray(row["models"].string),
            firstAt: timestamp(row["first_at"]), lastAt: timestamp(row["last_at"]),
            entryCount: row["entry_count"].int ?? 0, mainChainCount: row["main_chain_count"].int ?? 0,
            errorCount: row["error_count"].int ?? 0, kindCounts: JSONText.decodeObject(row["kind_counts"].string),
            usage: TokenUsage(
                input: row["input_tokens"].int64 ?? 0, output: row["output_tokens"].int64 ?? 0,
                cacheCreation: row["cache_creation_tokens"].int64 ?? 0, cacheRead: row["cache_read_tokens"].int64 ?? 0),
            contentHash: row["content_hash"].string,
            createdAt: timestamp(row["created_at"]) ?? "", updatedAt: timestamp(row["updated_at"]) ?? "")
    }

    static func entry(_ row: SQLRow) -> StoredEntry {
        StoredEntry(
            uuid: row["uuid"].string ?? "", parentUUID: row["parent_uuid"].string, sequence: row["seq"].int64 ?? 0,
            type: row["type"].string ?? "", kind: row["kind"].string ?? "", isSidechain: row["is_sidechain"].bool ?? false,
            isMainChain: row["is_main_chain"].bool ?? false, timestamp: timestamp(row["timestamp"]),
            toolName: row["tool_name"].string, isError: row["is_error"].bool ?? false,
            text: row["text"].string ?? "", raw: row["raw"].string ?? "")
    }

    /// One text form on both backends (PostgreSQL answers in its own format).
    static func timestamp(_ value: SQLValue) -> String? {
        guard let text = value.string else { return nil }
        return Timestamp.parse(text).map(Timestamp.format) ?? text
    }
}
