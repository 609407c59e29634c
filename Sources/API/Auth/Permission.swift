/// What an API key may do. `admin` includes every other permission.
public enum Permission: String, Sendable, CaseIterable, Codable {
    /// List, read, search and restore sessions.
    case readSessions = "read:sessions"
    /// Upload, append, compress and delete sessions.
    case writeSessions = "write:sessions"
    /// Read `/metrics` when `security.metrics_require_key` is on.
    case readMetrics = "read:metrics"
    /// Manage keys and backups; implies everything.
    case admin

    static func granted(_ required: Permission, by held: [String]) -> Bool {
        held.contains(Permission.admin.rawValue) || held.contains(required.rawValue)
    }
}
