import Search

extension SQLStorage {
    public func searchEntries(_ request: SearchRequest, offset: Int) async throws -> (hits: [SearchHit], total: Int) {
        let plan = SearchPlan(request: request, backend: backend)
        return try await database.read { connection in
            var bindings = plan.bindings
            // The total comes with the page (a window over every match, taken before LIMIT):
            // matching twice, once for the page and once to count, doubled the time of
            // common terms.
            let sql = "SELECT id, session_id, score, count(*) OVER () AS total FROM (" + plan.hitsSQL + ") AS matched"
                + " ORDER BY score DESC, id LIMIT $\(bindings.count + 1) OFFSET $\(bindings.count + 2)"
            bindings += [.integer(Int64(request.limit)), .integer(Int64(offset))]
            let rows = try connection.query(sql, bindings)
            let total = try rows.first.map { $0["total"].int ?? 0 }
                ?? connection.query("SELECT count(*) AS n FROM (" + plan.hitsSQL + ") AS matched", plan.bindings)[0]["n"].int ?? 0
            let details = try plan.details(ids: rows.compactMap { $0["id"].int64 }, connection)
            let hits = rows.compactMap { row in row["id"].int64.flatMap { details[$0]?.with(score: row["score"].double ?? 0) } }
            return (hits, total)
        }
    }

    public func searchSessions(_ request: SearchRequest, offset: Int) async throws -> (sessions: [SessionHits], total: Int) {
        let plan = SearchPlan(request: request, backend: backend)
        return try await database.read { connection in
            var bindings = plan.bindings
            let n = bindings.count
            let sql = """
                WITH hits AS (\(plan.hitsSQL)),
                ranked AS (
                    SELECT id, session_id, score,
                           row_number() OVER (PARTITION BY session_id ORDER BY score DESC, id) AS rank_in_session,
                           max(score) OVER (PARTITION BY session_id) AS best,
                           count(*) OVER (PARTITION BY session_id) AS hit_count
                    FROM hits),
                page AS (
                    SELECT session_id, best, hit_count, count(*) OVER () AS total FROM ranked WHERE rank_in_session = 1
                    ORDER BY best DESC, session_id LIMIT $\(n + 1) OFFSET $\(n + 2))
                SELECT r.id, r.session_id, r.score, page.best, page.hit_count, page.total
                FROM ranked r JOIN page ON page.session_id = r.session_id
                WHERE r.rank_in_session <= $\(n + 3)
                ORDER BY page.best DESC, r.session_id, r.rank_in_session
                """
            bindings += [.integer(Int64(request.limit)), .integer(Int64(offset)), .integer(Int64(request.hitsPerSession))]
            let rows = try connection.query(sql, bindings)
            // As for entries, the total comes with the page; only a page past the end counts apart.
            let total = try rows.first.map { $0["total"].int ?? 0 }
                ?? connection.query(
                    "SELECT count(DISTINCT session_id) AS n FROM (" + plan.hitsSQL + ") AS matched", plan.bindings)[0]["n"].int ?? 0
            let details = try plan.details(ids: rows.compactMap { $0["id"].int64 }, connection)
            var sessions: [SessionHits] = []
            for row in rows {
                guard let id = row["id"].int64, let hit = details[id]?.with(score: row["score"].double ?? 0) else { continue }
                if sessions.last?.sessionID != hit.sessionID {
                    sessions.append(SessionHits(sessionID: hit.sessionID, title: hit.sessionTitle, project: hit.project,
                                                score: row["best"].double ?? 0, hitCount: row["hit_count"].int ?? 0, hits: []))
                }
                sessions[sessions.count - 1].hits.append(hit)
            }
            return (sessions, total)
        }
    }
}

private extension SearchHit {
    func with(score: Double) -> SearchHit {
        var copy = self
        copy.score = (score * 1_000_000).rounded() / 1_000_000
        return copy
    }
}
