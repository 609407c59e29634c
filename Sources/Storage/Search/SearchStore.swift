import Search

/// Full-text search over stored entries: SQLite FTS5 with bm25, or PostgreSQL `tsvector`
/// with `ts_rank_cd`. Scores are higher-is-better on both.
public protocol SearchStore: Sendable {
    /// Matching entries, best first, from `offset`; and how many match in all.
    func searchEntries(_ request: SearchRequest, offset: Int) async throws -> (hits: [SearchHit], total: Int)

    /// Matching sessions ranked by their best entry, each with its best entries, from
    /// `offset` (counted in sessions); and how many sessions match in all.
    func searchSessions(_ request: SearchRequest, offset: Int) async throws -> (sessions: [SessionHits], total: Int)
}
