import Search

/// The SQL of one search: the matching-entries query with its filters, and the follow-up
/// that fetches details and snippets for the few entries shown.
struct SearchPlan {
    let request: SearchRequest
    let backend: StorageBackend
    /// `SELECT e.id, e.session_id, score` of every matching entry, unordered.
    private(set) var hitsSQL = ""
    private(set) var bindings: [SQLValue] = []

    init(request: SearchRequest, backend: StorageBackend) {
        self.request = request
        self.backend = backend
        var conditions: [String] = []
        func bind(_ value: SQLValue) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        switch backend {
        case .sqlite:
            // bm25 is lower-is-better; negate so both backends rank higher-is-better. CROSS JOIN
            // keeps the full-text index as the outer loop: with a filter on an indexed column
            // SQLite would otherwise walk that index and re-run the MATCH for every row. Each
            // match is joined through entries_search_filter, which covers every column used
            // here; SQLite would otherwise read the wide entry row by its rowid.
            hitsSQL = "SELECT e.id, e.session_id, -bm25(entries_fts) AS score"
                + " FROM entries_fts CROSS JOIN entries e INDEXED BY entries_search_filter ON e.id = entries_fts.rowid"
            conditions.append("entries_fts MATCH \(bind(.text(FullTextQuery.fts5(request.query))))")
        case .postgres:
            hitsSQL = "SELECT e.id, e.session_id, ts_rank_cd(e.search_vector, q.query) AS score"
                + " FROM entries e CROSS JOIN to_tsquery('english', \(bind(.text(FullTextQuery.tsquery(request.query))))) AS q(query)"
            conditions.append("e.search_vector @@ q.query")
        }
        if !request.kinds.isEmpty {
            conditions.append("e.kind IN (" + request.kinds.map { bind(.text($0)) }.joined(separator: ", ") + ")")
        }
        if let session = request.sessionID { conditions.append("e.session_id = \(bind(.text(session)))") }
        if let branch = request.branch { conditions.append("e.git_branch = \(bind(.text(branch)))") }
        if let tool = request.toolName { conditions.append("e.tool_name = \(bind(.text(tool)))") }
        if request.errorsOnly {
            conditions.append("e.is_error")
            // Few entries are errors: on SQLite each match is checked against their short
            // list (entries_errors) before it is joined to its entry. PostgreSQL intersects
            // the same partial index with the full-text index by itself.
            if backend == .sqlite { conditions.append("+entries_fts.rowid IN (SELECT id FROM entries WHERE is_error)") }
        }
        if let from = request.from { conditions.append("e.timestamp >= \(bind(.text(from)))") }
        if let to = request.to { conditions.append("e.timestamp <= \(bind(.text(to)))") }
        if let project = request.project {
            let placeholder = bind(.text(project))
            conditions.append(
                "e.session_id IN (SELECT s.id FROM sessions s JOIN projects p ON p.id = s.project_id WHERE p.path = \(placeholder) OR p.name = \(placeholder))")
        }
        hitsSQL += " WHERE " + conditions.joined(separator: " AND ")
    }

    /// Entry, session and snippet details of `ids`, by entry id (scores left at zero).
    func details(ids: [Int64], _ connection: any SQLConnection) throws -> [Int64: SearchHit] {
        guard !ids.isEmpty else { return [:] }
        let placeholders = (0..<ids.count).map { "$\($0 + 2)" }.joined(separator: ", ")
        let snippetSQL: String
        switch backend {
        case .sqlite:
            // `+rowid` keeps the id list out of FTS5's hands: given `rowid IN (…)`, SQLite runs
            // the full-text query once per id, and a prefix query rebuilds its merged doclist
            // each time (60 snippets of `migrat*`: 15–30 ms, against 2–3 ms for one pass).
            snippetSQL = "SELECT rowid AS id, snippet(entries_fts, 0, '<mark>', '</mark>', '…', 24) AS snippet"
                + " FROM entries_fts WHERE entries_fts MATCH $1 AND +rowid IN (\(placeholders))"
        case .postgres:
            snippetSQL = "SELECT e.id, ts_headline('english', e.text, to_tsquery('english', $1),"
                + " 'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet"
                + " FROM entries e WHERE e.id IN (\(placeholders))"
        }
        let queryText = backend == .sqlite ? FullTextQuery.fts5(request.query) : FullTextQuery.tsquery(request.query)
        let idBindings = ids.map(SQLValue.integer)
        var snippets: [Int64: String] = [:]
        for row in try connection.query(snippetSQL, [.text(queryText)] + idBindings) {
            if let id = row["id"].int64 { snippets[id] = row["snippet"].string }
        }
        let rows = try connection.query(
            """
            SELECT e.id, e.session_id, e.uuid, e.kind, e.tool_name, e.timestamp, e.git_branch, s.title, p.name AS project
            FROM entries e JOIN sessions s ON s.id = e.session_id LEFT JOIN projects p ON p.id = s.project_id
            WHERE e.id IN (\((0..<ids.count).map { "$\($0 + 1)" }.joined(separator: ", ")))
            """, idBindings)
        var details: [Int64: SearchHit] = [:]
        for row in rows {
            guard let id = row["id"].int64 else { continue }
            details[id] = SearchHit(
                sessionID: row["session_id"].string ?? "", sessionTitle: row["title"].string, project: row["project"].string,
                branch: row["git_branch"].string, timestamp: SessionRow.timestamp(row["timestamp"]),
                entryUUID: row["uuid"].string ?? "", kind: row["kind"].string ?? "", toolName: row["tool_name"].string,
                score: 0, snippet: snippets[id] ?? "")
        }
        return details
    }
}
