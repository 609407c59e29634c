import Metrics
import NIOConcurrencyHelpers
import NIOPosix

/// A bounded pool of blocking connections with a thread of its own per connection.
///
/// Blocking C calls (sqlite3, libpq) never run on NIO's event loops or Swift's cooperative
/// pool: every use of a connection runs on this pool's `NIOThreadPool`, whose size equals the
/// pool's maximum, so a busy database never starves request handling.
public final class ConnectionPool: Sendable {
    public typealias Factory = @Sendable () throws -> any SQLConnection

    public let name: String
    public let maxConnections: Int
    private let acquireTimeout: Duration
    private let factory: Factory
    private let threadPool: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    private let metrics: PoolMetrics

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var idle: [any SQLConnection] = []
        var permitsInUse = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
    }

    public init(name: String, maxConnections: Int, acquireTimeout: Duration = .seconds(30), factory: @escaping Factory) {
        self.name = name
        self.maxConnections = max(1, maxConnections)
        self.acquireTimeout = acquireTimeout
        self.factory = factory
        self.threadPool = NIOThreadPool(numberOfThreads: self.maxConnections)
        self.threadPool.start()
        self.metrics = PoolMetrics(pool: name, maxConnections: self.maxConnections)
    }

    /// Runs `body` with a connection on the pool's own threads. A connection that reports
    /// itself broken afterwards is closed instead of returned to the pool.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        let waitStart = ContinuousClock.now
        try await acquirePermit()
        metrics.recordWait(ContinuousClock.now - waitStart)
        let reused = state.withLockedValue { $0.idle.popLast() }
        let factory = self.factory
        let start = ContinuousClock.now
        do {
            let (result, connection) = try await threadPool.runIfActive { () throws -> (T, any SQLConnection) in
                let connection = try reused ?? factory()
                do {
                    return (try body(connection), connection)
                } catch {
                    // Keep the connection when the failure was the statement's, not the link's.
                    if connection.isHealthy { throw ConnectionScopedError(error: error, connection: connection) }
                    connection.close()
                    throw error
                }
            }
            metrics.recordQuery(ContinuousClock.now - start)
            release(connection)
            return result
        } catch let scoped as ConnectionScopedError {
            metrics.recordQuery(ContinuousClock.now - start)
            release(scoped.connection)
            throw scoped.error
        } catch {
            release(nil)
            throw error
        }
    }

    /// How many connections are idle, in use and waited for.
    public func statistics() -> PoolStatistics {
        state.withLockedValue {
            PoolStatistics(name: name, maxConnections: maxConnections, idle: $0.idle.count,
                           inUse: $0.permitsInUse, waiting: $0.waiters.count)
        }
    }

    /// Closes idle connections and fails waiters; uses in flight finish first.
    public func close() async {
        let (idle, waiters) = state.withLockedValue { state -> ([any SQLConnection], [Waiter]) in
            state.closed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: StorageError.closed) }
        _ = try? await threadPool.runIfActive { idle.forEach { $0.close() } }
        try? await threadPool.shutdownGracefully()
        metrics.update(statistics())
    }

    private func acquirePermit() async throws {
        let waiterID: Int? = try state.withLockedValue { state in
            if state.closed { throw StorageError.closed }
            if state.permitsInUse < maxConnections {
                state.permitsInUse += 1
                return nil
            }
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        guard let waiterID else {
            metrics.update(statistics())
            return
        }
        let timeout = acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.failWaiter(waiterID, with: StorageError.poolTimeout)
        }
        defer { timer.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // Decided again under the lock: a connection freed since the check above found no
            // waiter to hand its permit to, and nothing would wake this one.
            let outcome = state.withLockedValue { state -> Result<Void, any Error>? in
                if state.closed { return .failure(StorageError.closed) }
                if state.permitsInUse < maxConnections {
                    state.permitsInUse += 1
                    return .success(())
                }
                state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
            metrics.update(statistics())
        }
    }

    private func failWaiter(_ id: Int, with error: any Error) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Returns a connection (nil when it was lost) and hands the permit to the next waiter.
    private func release(_ connection: (any SQLConnection)?) {
        let (next, toClose) = state.withLockedValue { state -> (Waiter?, (any SQLConnection)?) in
            var toClose: (any SQLConnection)?
            if let connection {
                if connection.isHealthy && !state.closed { state.idle.append(connection) } else { toClose = connection }
            }
            if state.waiters.isEmpty {
                state.permitsInUse -= 1
                return (nil, toClose)
            }
            return (state.waiters.removeFirst(), toClose)
        }
        if let toClose { threadPool.submit { _ in toClose.close() } }
        next?.continuation.resume()
        metrics.update(statistics())
    }
}

/// The counts a pool reports to `/metrics` and `cci` diagnostics.
public struct PoolStatistics: Sendable, Equatable {
    public let name: String
    public let maxConnections: Int
    public let idle: Int
    public let inUse: Int
    public let waiting: Int
}

/// A statement error raised on a connection that is still usable.
private struct ConnectionScopedError: Error {
    let error: any Error
    let connection: any SQLConnection
}
