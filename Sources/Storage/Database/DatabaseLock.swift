import NIOConcurrencyHelpers
import NIOPosix

/// A named lock shared by everything that uses one database, held across long work (an
/// automatic backup) without holding a pooled connection.
///
/// On PostgreSQL it is a session-level advisory lock on a connection of its own, so it is
/// released by ``release()`` or, if the holder's process dies, when that connection drops.
/// SQLite serves a single node: a guard within this process, keyed by the database file.
public final class DatabaseLock: Sendable {
    private let releaseOnce: NIOLockedValueBox<(@Sendable () async -> Void)?>

    private init(release: @escaping @Sendable () async -> Void) {
        releaseOnce = NIOLockedValueBox(release)
    }

    /// Gives the lock up; calling it again does nothing.
    public func release() async {
        let release = releaseOnce.withLockedValue { value in
            defer { value = nil }
            return value
        }
        await release?()
    }

    /// SQLite locks held in this process, by database location and key.
    private static let heldInProcess = NIOLockedValueBox<Set<String>>([])

    static func trySQLite(location: String, key: Int64) -> DatabaseLock? {
        let name = "\(location)#\(key)"
        let taken = heldInProcess.withLockedValue { $0.insert(name).inserted }
        guard taken else { return nil }
        return DatabaseLock { _ = heldInProcess.withLockedValue { $0.remove(name) } }
    }

    static func tryPostgres(url: String, key: Int64) async throws -> DatabaseLock? {
        // Its own thread: libpq blocks, and the connection outlives any one pool use.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        do {
            let connection = try await thread.runIfActive { try PostgresConnection(url: url) }
            let locked = try await thread.runIfActive {
                do {
                    return try connection.query("SELECT pg_try_advisory_lock($1) AS locked", .integer(key)).first?["locked"].bool ?? false
                } catch {
                    connection.close()
                    throw error
                }
            }
            guard locked else {
                _ = try? await thread.runIfActive { connection.close() }
                try? await thread.shutdownGracefully()
                return nil
            }
            return DatabaseLock {
                _ = try? await thread.runIfActive {
                    _ = try? connection.query("SELECT pg_advisory_unlock($1)", .integer(key))
                    connection.close()
                }
                try? await thread.shutdownGracefully()
            }
        } catch {
            try? await thread.shutdownGracefully()
            throw error
        }
    }
}

extension Database {
    /// Takes the lock `key` when nobody holds it, without waiting; nil when someone does.
    public func tryLock(_ key: Int64) async throws -> DatabaseLock? {
        switch backend {
        case .sqlite: return DatabaseLock.trySQLite(location: location, key: key)
        case .postgres: return try await DatabaseLock.tryPostgres(url: location, key: key)
        }
    }
}
