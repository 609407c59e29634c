/// A blocking connection to one database. Its methods block the calling thread, so they are
/// only ever called on a ``Database``'s own thread pool.
///
/// Parameters are written `$1`, `$2`, … on both backends. Implementations are Sendable only
/// so the pool can hand them between threads; the pool gives each to one user at a time.
public protocol SQLConnection: AnyObject, Sendable {
    /// Runs one statement and returns its rows (none for statements without results).
    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws -> [SQLRow]

    /// Runs one query and hands its rows to `body` one at a time, holding only the current
    /// one: for results too large to keep (every entry of a long session). `body` must not
    /// use this connection.
    func forEachRow(_ sql: String, _ bindings: [SQLValue], _ body: (SQLRow) throws -> Void) throws

    /// Runs a script of several statements without parameters (migrations, pragmas).
    func executeScript(_ sql: String) throws

    /// False once the connection is broken; a pool then discards it.
    var isHealthy: Bool { get }

    func close()
}

extension SQLConnection {
    @discardableResult
    public func query(_ sql: String, _ bindings: SQLValue...) throws -> [SQLRow] {
        try query(sql, bindings)
    }
}
