/// Why a backup or restore was refused or failed.
///
/// `description` is for logs and the command line and may name files and tools;
/// `publicMessage` is safe to send to HTTP clients (no paths, SQL or tool output).
public enum BackupError: Error, CustomStringConvertible, Equatable {
    /// The name is not a plain file name (a `/`, `..`, an absolute path, odd characters).
    case invalidName(String, reason: String)
    /// No backup (file and manifest) of that name in the backup folder.
    case notFound(String)
    /// The file's SHA-256 differs from its manifest's: it changed or is damaged.
    case checksumMismatch(name: String, expected: String, actual: String)
    /// The copy failed SQLite's integrity check, or a dump could not be read back.
    case verificationFailed(String)
    /// The backup cannot be restored into (or written from) this backend, or is from a
    /// newer schema than this version knows.
    case incompatible(String)
    /// Another backup or restore is running in this process.
    case busy
    /// `pg_dump`, `pg_restore` or `psql` is missing or older than the server.
    case toolsUnavailable(String)
    /// A PostgreSQL tool ran and failed.
    case toolFailed(tool: String, status: Int32, output: String)
    /// The SQLite data cannot be written as PostgreSQL SQL (a table or value without a
    /// counterpart in `migrations/postgres`).
    case exportFailed(String)

    public var description: String {
        switch self {
        case .invalidName(let name, let reason): return "invalid backup name \"\(name)\": \(reason)"
        case .notFound(let name): return "no backup named \(name)"
        case .checksumMismatch(let name, let expected, let actual):
            return "backup \(name) does not match its checksum (manifest \(expected), file \(actual)); it was not restored"
        case .verificationFailed(let message): return "backup verification failed: \(message)"
        case .incompatible(let message): return message
        case .busy: return "another backup or restore is running"
        case .toolsUnavailable(let message): return message
        case .toolFailed(let tool, let status, let output):
            return "\(tool) failed (exit status \(status))" + (output.isEmpty ? "" : ": \(output)")
        case .exportFailed(let message): return "cannot export to PostgreSQL SQL: \(message)"
        }
    }

    /// The message for HTTP clients.
    public var publicMessage: String {
        switch self {
        case .invalidName(_, let reason): return "backup_filename \(reason)"
        case .notFound(let name): return "no backup named \(name)"
        case .checksumMismatch(let name, _, _):
            return "backup \(name) does not match the checksum in its manifest; nothing was restored"
        case .verificationFailed: return "the backup could not be verified; see the server log"
        case .incompatible(let message): return message
        case .busy: return "another backup or restore is running; try again when it has finished"
        case .toolsUnavailable:
            return "the PostgreSQL client tools (pg_dump, pg_restore, psql) are missing or older than the server; see the server log"
        case .toolFailed(let tool, _, _): return "\(tool) failed; see the server log"
        case .exportFailed: return "the data cannot be exported as PostgreSQL SQL; see the server log"
        }
    }
}
