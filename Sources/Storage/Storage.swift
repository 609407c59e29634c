/// The service's persistent state, whichever database holds it.
///
/// One protocol, two backends chosen by configuration (`database.type`): SQLite for a
/// single node, PostgreSQL for clusters. Both pass the same behavioural test suite.
/// Later concerns (sessions, search, keys, jobs, backups) add their own sections as
/// protocols that ``Storage`` refines, so handlers depend only on what they use.
public protocol Storage: SessionStore, KeyStore, SearchStore, BackupStore, JobStore, Sendable {
    /// Which database this is.
    var backend: StorageBackend { get }

    /// Succeeds when the database answers a trivial query on a pooled connection.
    func ping() async throws

    /// The migrations on disk compared with those applied; reads only.
    func migrationStatus() async throws -> MigrationStatus

    /// Applies pending migrations (safe to run from several processes at once).
    @discardableResult
    func migrate() async throws -> [MigrationFile]

    /// Connection-pool counts, for metrics and diagnostics.
    func poolStatistics() -> [PoolStatistics]

    /// Closes the pools; in-flight work finishes first.
    func close() async
}
