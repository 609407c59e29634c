/// Why a storage operation failed. Messages are for logs; HTTP answers never show SQL.
public enum StorageError: Error, CustomStringConvertible, Equatable {
    /// The database cannot be reached or opened.
    case unavailable(String)
    /// A statement failed.
    case queryFailed(message: String, sql: String)
    /// A uniqueness or foreign-key rule was broken.
    case constraintViolation(String)
    /// The database's schema is behind the migrations on disk.
    case schemaBehind(pending: [String])
    /// A migration problem that needs a person: an edited applied file, a bad file name.
    case migration(String)
    /// The pool was closed.
    case closed
    /// No connection became free within the wait limit.
    case poolTimeout

    public var description: String {
        switch self {
        case .unavailable(let message): return "database unavailable: \(message)"
        case .queryFailed(let message, _): return "query failed: \(message)"
        case .constraintViolation(let message): return "constraint violated: \(message)"
        case .schemaBehind(let pending): return "database schema is behind; pending migrations: \(pending.joined(separator: ", "))"
        case .migration(let message): return message
        case .closed: return "database pool is closed"
        case .poolTimeout: return "no database connection became free in time"
        }
    }
}
