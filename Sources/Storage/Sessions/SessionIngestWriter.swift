import Crypto
import Foundation

/// Writes one batch inside an open write transaction: project, session row, entries, then
/// (unless told not to) the derived main chain and statistics.
struct SessionIngestWriter {
    let connection: any SQLConnection
    let backend: StorageBackend
    let now: String
    /// Whether to derive the session's fields after its entries (see `SessionStore.ingest`).
    var deriving = true

    /// Rows per multi-row INSERT: few round trips, far under both backends' parameter limits.
    static let rowsPerInsert = 100
    static let entryColumns = [
        "session_id", "seq", "uuid", "parent_uuid", "type", "kind", "is_sidechain", "timestamp", "tool_name", "tool_use_id",
        "is_error", "message_id", "request_id", "model", "cwd", "git_branch", "version", "input_tokens",
        "output_tokens", "cache_creation_tokens", "cache_read_tokens", "text", "raw",
    ]

    func write(_ batch: SessionBatch) throws -> IngestOutcome {
        if let parent = batch.parentSessionID { try ensureSession(parent, parent: nil, agent: nil) }
        let created = try ensureSession(batch.sessionID, parent: batch.parentSessionID, agent: batch.agentID)
        var inserted = 0
        var seen = Set<String>()
        // One line may appear twice in a batch (a resent chunk): keep the first.
        let unique = batch.entries.filter { seen.insert($0.uuid).inserted }
        for start in stride(from: 0, to: unique.count, by: Self.rowsPerInsert) {
            let rows = unique[start..<min(start + Self.rowsPerInsert, unique.count)]
            inserted += try insert(rows, sessionID: batch.sessionID)
        }
        if deriving && (inserted > 0 || created) {
            try SessionDerivation(connection: connection, backend: backend).refresh(sessionID: batch.sessionID, now: now)
        }
        return IngestOutcome(sessionID: batch.sessionID, inserted: inserted, duplicates: batch.entries.count - inserted, created: created)
    }

    /// Creates the session row if missing; true when it did.
    @discardableResult
    private func ensureSession(_ id: String, parent: String?, agent: String?) throws -> Bool {
        let rows = try connection.query(
            """
            INSERT INTO sessions (id, parent_session_id, agent_id, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            .text(id), SQLValue(parent), SQLValue(agent), .text(now))
        return !rows.isEmpty
    }

    /// Inserts the rows not yet stored; returns how many were new.
    private func insert(_ rows: ArraySlice<EntryRecord>, sessionID: String) throws -> Int {
        var bindings: [SQLValue] = []
        bindings.reserveCapacity(rows.count * Self.entryColumns.count)
        var tuples: [String] = []
        for entry in rows {
            let base = bindings.count
            tuples.append("(" + (1...Self.entryColumns.count).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
            bindings += [
                .text(sessionID), .integer(entry.sequence), .text(entry.uuid), SQLValue(entry.parentUUID),
                .text(entry.type), .text(entry.kind), SQLValue(entry.isSidechain), SQLValue(entry.timestamp),
                SQLValue(entry.toolName), SQLValue(entry.toolUseID), SQLValue(entry.isError), SQLValue(entry.messageID), SQLValue(entry.requestID),
                SQLValue(entry.model), SQLValue(entry.cwd), SQLValue(entry.gitBranch), SQLValue(entry.version),
                .integer(entry.usage.input), .integer(entry.usage.output), .integer(entry.usage.cacheCreation),
                .integer(entry.usage.cacheRead), .text(entry.text), .text(entry.raw),
            ]
        }
        let sql = "INSERT INTO entries (\(Self.entryColumns.joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ") + " ON CONFLICT (session_id, uuid) DO NOTHING RETURNING id"
        // Booleans bind as 0/1 on both backends: PostgreSQL's boolean input accepts '1' and '0'.
        return try connection.query(sql, bindings).count
    }
}
