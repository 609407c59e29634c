/// The entries on their session's main chain, kept as ids in a table of their own
/// (migration 0008 says why not as a column of the wide entry row).
struct MainChainEntries {
    let connection: any SQLConnection
    let backend: StorageBackend

    /// Puts these entries on the main chain. SQLite takes one kept single-row INSERT per id:
    /// a multi-row INSERT needs a statement journal, and the savepoint SQLite then opens makes
    /// FTS5 write the transaction's pending search terms out as a segment of their own
    /// (see `SessionIngestWriter`, which calls this for every batch).
    func add(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        if let sqlite = connection as? SQLiteConnection {
            for id in ids { try sqlite.insertRow("INSERT INTO main_chain_entries (entry_id) VALUES ($1)", [.integer(id)]) }
        } else {
            try connection.query("INSERT INTO main_chain_entries (entry_id) SELECT unnest($1::bigint[])", idList(ids))
        }
    }

    /// Takes these entries off the main chain.
    func remove(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        switch backend {
        case .sqlite: try connection.query("DELETE FROM main_chain_entries WHERE entry_id IN (SELECT value FROM json_each($1))", idList(ids))
        case .postgres: try connection.query("DELETE FROM main_chain_entries WHERE entry_id = ANY($1::bigint[])", idList(ids))
        }
    }

    /// The ids as one parameter, so one kept statement serves any number of them: a JSON array
    /// for SQLite's `json_each`, an array literal for PostgreSQL.
    private func idList(_ ids: [Int64]) -> SQLValue {
        let joined = ids.map(String.init).joined(separator: ",")
        return .text(backend == .sqlite ? "[\(joined)]" : "{\(joined)}")
    }

    /// SQL that is true when the entry whose id is `idColumn` is on the main chain.
    static func contains(_ idColumn: String) -> String {
        "EXISTS (SELECT 1 FROM main_chain_entries m WHERE m.entry_id = \(idColumn))"
    }
}
