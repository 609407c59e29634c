import CSQLite3

extension SQLiteConnection {
    /// Replaces this connection's whole database with the database in `source`, in one step
    /// of SQLite's online backup API.
    ///
    /// The copy is one write transaction on this connection: under WAL, other connections
    /// read the old content until it commits and the new content after, never a mixture,
    /// and a failure part way leaves the old content. Writers on other connections wait
    /// (busy timeout) while it runs.
    func replaceContents(with source: SQLiteConnection) throws {
        guard let destination = handle, let sourceHandle = source.handle else { throw StorageError.closed }
        guard let backup = sqlite3_backup_init(destination, "main", sourceHandle, "main") else {
            throw StorageError.unavailable("cannot start restore: \(String(cString: sqlite3_errmsg(destination)))")
        }
        let step = sqlite3_backup_step(backup, -1)
        let finish = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finish == SQLITE_OK else {
            let code = step == SQLITE_DONE ? finish : step
            throw StorageError.unavailable("restore failed: \(String(cString: sqlite3_errstr(code)))")
        }
    }

    /// The problems `PRAGMA integrity_check` finds; empty when the database is sound.
    func integrityProblems() throws -> [String] {
        let rows = try query("PRAGMA integrity_check", [])
        let messages = rows.compactMap { $0[0].string }
        return messages == ["ok"] ? [] : messages
    }
}
