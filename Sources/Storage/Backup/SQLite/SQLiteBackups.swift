import Foundation

/// Backups of a SQLite database.
///
/// A backup is a consistent copy made with `VACUUM INTO` on a reader connection, so writes
/// go on meanwhile (WAL), and checked with `PRAGMA integrity_check` before it is kept. A
/// restore copies the backup into the live database with SQLite's online backup API on the
/// writer connection: one atomic replacement, see
/// ``SQLiteConnection/replaceContents(with:)``.
struct SQLiteBackups: Sendable {
    let database: Database

    /// Writes a verified copy of the live database to `file`; returns the copy's schema version.
    func copy(to file: URL) async throws -> Int {
        try? FileManager.default.removeItem(at: file)
        do {
            try await database.read { connection in _ = try connection.query("VACUUM INTO $1", .text(file.path)) }
            return try await Self.verify(file)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// Replaces the live database with the (already checksum-verified) backup in `file`.
    func restore(from file: URL) async throws {
        _ = try await Self.verify(file)
        try await database.withWriterConnection { connection in
            guard let live = connection as? SQLiteConnection else {
                throw BackupError.incompatible("a SQLite backup restores only into SQLite")
            }
            let source = try SQLiteConnection(path: file.path, readOnly: true, busyTimeoutMilliseconds: 1000)
            defer { source.close() }
            try live.replaceContents(with: source)
        }
    }

    /// Opens a copy read-only, runs `PRAGMA integrity_check`, and returns its schema version.
    static func verify(_ file: URL) async throws -> Int {
        try await BlockingWork.run {
            let copy: SQLiteConnection
            do {
                copy = try SQLiteConnection(path: file.path, readOnly: true, busyTimeoutMilliseconds: 1000)
            } catch {
                throw BackupError.verificationFailed("\(file.lastPathComponent) cannot be opened as SQLite: \(error)")
            }
            defer { copy.close() }
            let problems: [String]
            do {
                problems = try copy.integrityProblems()
            } catch {
                throw BackupError.verificationFailed("\(file.lastPathComponent) is not a sound SQLite database: \(error)")
            }
            guard problems.isEmpty else {
                throw BackupError.verificationFailed(
                    "integrity_check of \(file.lastPathComponent): \(problems.prefix(3).joined(separator: "; "))")
            }
            let hasMigrations = try !copy.query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", []).isEmpty
            guard hasMigrations else { return 0 }
            return try copy.query("SELECT coalesce(max(version), 0) AS v FROM schema_migrations", []).first?["v"].int ?? 0
        }
    }
}
