import Foundation

/// Which database a ``Database`` talks to.
public enum StorageBackend: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

/// Connection pools for one database and the transaction rules of its backend.
///
/// SQLite gets one writer connection (writes serialise anyway, and `BEGIN IMMEDIATE` makes
/// them wait for the lock up front instead of failing mid-transaction) and a pool of readers
/// that run beside it under WAL. PostgreSQL gets one pool for both.
public final class Database: Sendable {
    public let backend: StorageBackend
    /// The SQLite file (or URI), or the PostgreSQL connection string.
    let location: String
    private let readers: ConnectionPool
    private let writer: ConnectionPool
    /// SQLite only: checkpoints the WAL beside the writer rather than inside its commits.
    private let checkpointer: WALCheckpointer?

    private init(backend: StorageBackend, location: String, readers: ConnectionPool, writer: ConnectionPool, checkpointer: WALCheckpointer? = nil) {
        self.backend = backend
        self.location = location
        self.readers = readers
        self.writer = writer
        self.checkpointer = checkpointer
    }

    /// The SQLite writer's page cache, in KiB.
    static let writerCacheKiB = 16_384

    /// Opens (creating if needed) the SQLite file at `path`; its folder is created too.
    /// `acquireTimeout` bounds how long a caller waits for a free connection.
    public static func sqlite(
        path: String, readers: Int, busyTimeout: Duration = .seconds(5), acquireTimeout: Duration = .seconds(30)
    ) throws -> Database {
        let isURI = path.hasPrefix("file:")
        if !isURI {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let busyMilliseconds = Int(busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000)
        // Open the writer once here so a bad path fails at start, and WAL is set before readers open.
        _ = try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: busyMilliseconds)
        let writer = ConnectionPool(name: "sqlite_writer", maxConnections: 1, acquireTimeout: acquireTimeout) {
            let connection = try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: busyMilliseconds)
            connection.countWALFramesInsteadOfCheckpointing()
            // Each new entry goes into seven indexes and the search index: a page cache of
            // 16 MB (SQLite's default is 2 MB) keeps their last pages, and a 300 MB transcript
            // imports ~16% faster for ~15 MB more memory. Readers keep the default.
            try connection.executeScript("PRAGMA cache_size = -\(Self.writerCacheKiB)")
            return connection
        }
        let readerPool = ConnectionPool(name: "sqlite_readers", maxConnections: readers, acquireTimeout: acquireTimeout) {
            try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: busyMilliseconds)
        }
        return Database(
            backend: .sqlite, location: path, readers: readerPool, writer: writer,
            checkpointer: WALCheckpointer(path: path, busyTimeoutMilliseconds: busyMilliseconds))
    }

    /// A pool of up to `poolSize` libpq connections; nothing connects until first use.
    public static func postgres(url: String, poolSize: Int, acquireTimeout: Duration = .seconds(30)) -> Database {
        let pool = ConnectionPool(name: "postgres", maxConnections: poolSize, acquireTimeout: acquireTimeout) {
            try PostgresConnection(url: url)
        }
        return Database(backend: .postgres, location: url, readers: pool, writer: pool)
    }

    /// Runs `body` on a reader connection, outside any explicit transaction.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await readers.withConnection(body)
    }

    /// Runs `body` in one transaction on the writer: committed when it returns, rolled back
    /// when it throws.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        let begin = backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        let (result, walFrames) = try await writer.withConnection { connection in
            try connection.executeScript(begin)
            do {
                let result = try body(connection)
                try connection.executeScript("COMMIT")
                return (result, (connection as? SQLiteConnection)?.walFrames ?? 0)
            } catch {
                try? connection.executeScript("ROLLBACK")
                throw error
            }
        }
        if walFrames >= WALCheckpointer.thresholdFrames { checkpointer?.request() }
        return result
    }

    /// Runs `body` on a writer connection with no transaction opened, for work that manages
    /// its own (migrations holding an advisory lock across several transactions).
    public func withWriterConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await writer.withConnection(body)
    }

    public func poolStatistics() -> [PoolStatistics] {
        backend == .sqlite ? [writer.statistics(), readers.statistics()] : [readers.statistics()]
    }

    public func close() async {
        await readers.close()
        if backend == .sqlite { await writer.close() }
        await checkpointer?.close()
    }
}
