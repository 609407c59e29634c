import Crypto
import Foundation

/// Writes one batch inside an open write transaction: the session row (and its parent's)
/// and the entries not yet stored. Deriving the session is the caller's step (see
/// `SessionStore.ingest(groups:deriving:)`).
struct SessionIngestWriter {
    let connection: any SQLConnection
    let backend: StorageBackend
    let now: String

    /// Rows per INSERT on PostgreSQL: few round trips, far under its parameter limit. SQLite
    /// runs one kept statement per row, which (unlike a multi-row INSERT or `RETURNING`) it
    /// runs without journaling pages for a statement rollback.
    static let rowsPerInsert = 100
    static let entryColumns = [
        "session_id", "seq", "uuid", "parent_uuid", "type", "kind", "is_sidechain", "timestamp", "tool_name", "tool_use_id",
        "is_error", "message_id", "request_id", "model", "cwd", "git_branch", "version", "input_tokens",
        "output_tokens", "cache_creation_tokens", "cache_read_tokens", "text", "raw",
    ]

    /// What one batch wrote: its outcome, and the entries that were new with their ids, in
    /// batch order.
    struct Written {
        let outcome: IngestOutcome
        let inserted: [(id: Int64, entry: EntryRecord)]
    }

    func write(_ batch: SessionBatch) throws -> Written {
        if let parent = batch.parentSessionID { try ensureSession(parent, parent: nil, agent: nil) }
        let created = try ensureSession(batch.sessionID, parent: batch.parentSessionID, agent: batch.agentID)
        var seen = Set<String>()
        // One line may appear twice in a batch (a resent chunk): keep the first.
        let inserted = try insertNew(batch.entries.filter { seen.insert($0.uuid).inserted }, sessionID: batch.sessionID)
        let outcome = IngestOutcome(
            sessionID: batch.sessionID, inserted: inserted.count, duplicates: batch.entries.count - inserted.count, created: created)
        return Written(outcome: outcome, inserted: inserted)
    }

    /// Creates the session row if missing; true when it did.
    @discardableResult
    private func ensureSession(_ id: String, parent: String?, agent: String?) throws -> Bool {
        let values: [SQLValue] = [.text(id), SQLValue(parent), SQLValue(agent), .text(now)]
        if let sqlite = connection as? SQLiteConnection {
            return try sqlite.insertRow(Self.sessionInsertSQL, values) != nil
        }
        return try !connection.query(Self.sessionInsertSQL + " RETURNING id", values).isEmpty
    }

    private static let sessionInsertSQL = """
        INSERT INTO sessions (id, parent_session_id, agent_id, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO NOTHING
        """

    /// The INSERT of `rowCount` entries, skipping those already stored.
    static func insertSQL(rowCount: Int) -> String {
        let tuples = (0..<rowCount).map { row in
            "(" + (1...entryColumns.count).map { "$\(row * entryColumns.count + $0)" }.joined(separator: ", ") + ")"
        }
        return "INSERT INTO entries (\(entryColumns.joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ") + " ON CONFLICT (session_id, uuid) DO NOTHING"
    }

    /// SQLite's statement, and PostgreSQL's for a full batch, built once.
    private static let oneRowInsertSQL = insertSQL(rowCount: 1)
    private static let returning = " RETURNING id, uuid"
    private static let fullInsertSQL = insertSQL(rowCount: rowsPerInsert) + returning

    /// Inserts the entries not yet stored, puts the new ones that are likely on the main
    /// chain on it, and on SQLite indexes them for search (PostgreSQL computes each row's
    /// search vector itself); returns those that were new, with their ids.
    ///
    /// On SQLite no statement here may need a statement journal (a multi-row INSERT,
    /// `RETURNING`, a row trigger): SQLite then opens a savepoint, at which FTS5 writes its
    /// pending terms out as a new segment. One such statement per batch made a 300 MB import
    /// write 600 tiny segments and merge them 174 times; without, it writes 38 and merges 26
    /// times. Each entry and its search row are one kept single-row INSERT each.
    private func insertNew(_ entries: [EntryRecord], sessionID: String) throws -> [(id: Int64, entry: EntryRecord)] {
        var inserted: [(id: Int64, entry: EntryRecord)] = []
        if let sqlite = connection as? SQLiteConnection {
            for entry in entries {
                guard let id = try sqlite.insertRow(Self.oneRowInsertSQL, bindings(entry, sessionID: sessionID)) else { continue }
                try sqlite.insertRow("INSERT INTO entries_fts (rowid, text) VALUES ($1, $2)", [.integer(id), .text(entry.text)])
                inserted.append((id, entry))
            }
        } else {
            for start in stride(from: 0, to: entries.count, by: Self.rowsPerInsert) {
                let rows = entries[start..<min(start + Self.rowsPerInsert, entries.count)]
                let sql = rows.count == Self.rowsPerInsert ? Self.fullInsertSQL : Self.insertSQL(rowCount: rows.count) + Self.returning
                let byUUID = Dictionary(rows.map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
                for row in try connection.query(sql, rows.flatMap { bindings($0, sessionID: sessionID) }) {
                    if let id = row["id"].int64, let entry = row["uuid"].string.flatMap({ byUUID[$0] }) { inserted.append((id, entry)) }
                }
            }
        }
        try MainChainEntries(connection: connection, backend: backend).add(inserted.filter { Self.likelyOnMainChain($0.entry) }.map(\.id))
        return inserted
    }

    /// A first guess at the main-chain flag, set as the entry is inserted: a conversation
    /// turn (`user`, `assistant`, `attachment`, `system`) outside a sidechain is usually on
    /// the chain, other lines usually not. It holds until the session is derived, which then
    /// changes only the entries the guess got wrong (in the corpus: 879 instead of 3,468).
    static func likelyOnMainChain(_ entry: EntryRecord) -> Bool {
        guard !entry.isSidechain else { return false }
        switch entry.type {
        case "user", "assistant", "attachment", "system": return true
        default: return false
        }
    }

    /// One entry's values, in `entryColumns` order. Booleans bind as 0/1 on both backends:
    /// PostgreSQL's boolean input accepts '1' and '0'.
    private func bindings(_ entry: EntryRecord, sessionID: String) -> [SQLValue] {
        [
            .text(sessionID), .integer(entry.sequence), .text(entry.uuid), SQLValue(entry.parentUUID),
            .text(entry.type), .text(entry.kind), SQLValue(entry.isSidechain), SQLValue(entry.timestamp),
            SQLValue(entry.toolName), SQLValue(entry.toolUseID), SQLValue(entry.isError), SQLValue(entry.messageID), SQLValue(entry.requestID),
            SQLValue(entry.model), SQLValue(entry.cwd), SQLValue(entry.gitBranch), SQLValue(entry.version),
            .integer(entry.usage.input), .integer(entry.usage.output), .integer(entry.usage.cacheCreation),
            .integer(entry.usage.cacheRead), .text(entry.text), .text(entry.raw),
        ]
    }
}
