import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOPosix

/// A pool of blocking hiredis connections with one thread of its own per connection.
///
/// hiredis calls block, so they never run on NIO event loops or Swift's cooperative pool:
/// each command runs as a job on this client's `NIOThreadPool`, whose size is the pool size,
/// which also bounds the number of open connections. Connections are made on first use;
/// a connection that failed is discarded and a new one is made by the next command.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let threadPool: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    private let logger: Logger
    private let metrics: RedisClientMetrics

    private struct State {
        var idle: [RedisConnection] = []
        var open = 0
        var closed = false
    }

    /// Makes the client; no connection is opened until the first command.
    public init(
        configuration: RedisConfiguration,
        logger: Logger = Logger(label: "cci.redis"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = RedisClientMetrics(factory: metricsFactory)
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.poolSize)
        self.threadPool.start()
    }

    /// Makes a client for `redis://[[user]:password@]host[:port][/db]`.
    public convenience init(
        url: String,
        poolSize: Int = 4,
        logger: Logger = Logger(label: "cci.redis"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) throws {
        var configuration = try RedisConfiguration(url: url)
        configuration.poolSize = max(1, poolSize)
        self.init(configuration: configuration, logger: logger, metricsFactory: metricsFactory)
    }

    deinit {
        if !state.withLockedValue(\.closed) {
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs one command, e.g. `["SET", key, value, "PX", "1000"]`.
    ///
    /// Throws ``RedisError`` (a top-level error reply is `.server`), or `CancellationError`
    /// when the calling task is cancelled while the command is still queued.
    ///
    /// Consecutive commands may use different pooled connections, so commands that change
    /// a connection's state (`MULTI`/`EXEC`, `WATCH`, `SELECT`, `SUBSCRIBE`, `CLIENT
    /// SETNAME`) do not belong here: use one Lua script (``RedisScript``) for atomic work.
    public func command(_ arguments: [String]) async throws -> RedisValue {
        try await command(bytes: arguments.map { Array($0.utf8) })
    }

    /// Runs one command whose arguments are raw bytes (binary-safe values).
    public func command(bytes arguments: [[UInt8]]) async throws -> RedisValue {
        guard !state.withLockedValue(\.closed) else { throw RedisError.unreachable("client is closed") }
        let enqueued = ContinuousClock.now
        do {
            return try await threadPool.runIfActive { try self.run(arguments, enqueued: enqueued) }
        } catch let error as RedisError {
            metrics.recordError(error)
            throw error
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw RedisError.unreachable("client is closed")
        } catch is CancellationError where state.withLockedValue(\.closed) {
            // A pool shut down by close() cancels the jobs that raced into its queue.
            throw RedisError.unreachable("client is closed")
        }
    }

    /// Sends `PING` and returns the round-trip time, for health checks.
    @discardableResult
    public func ping() async throws -> Duration {
        let start = ContinuousClock.now
        let reply = try await command(["PING"])
        guard reply == .status("PONG") else { throw RedisError.protocol("unexpected PING reply \(reply)") }
        return ContinuousClock.now - start
    }

    /// Lets queued commands finish, then closes every connection and stops the threads.
    /// Commands issued afterwards fail with `.unreachable`.
    public func close() async {
        let wasClosed = state.withLockedValue { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        try? await threadPool.shutdownGracefully()
        // Releasing the connections frees their contexts (redisFree only closes a socket).
        state.withLockedValue { state in
            state.idle.removeAll()
            state.open = 0
        }
        metrics.openConnections.record(0)
    }

    /// How many connections are open and how many of them are idle.
    public var connectionCounts: (open: Int, idle: Int) {
        state.withLockedValue { ($0.open, $0.idle.count) }
    }

    // MARK: - On the pool's threads

    private func run(_ arguments: [[UInt8]], enqueued: ContinuousClock.Instant) throws(RedisError) -> RedisValue {
        if ContinuousClock.now - enqueued > configuration.maximumQueueWait {
            throw .timeout
        }
        if let pooled = takeIdle() {
            do throws(RedisError) {
                return try use(pooled, arguments)
            } catch .unreachable(let reason) {
                // A pooled connection can go stale (Redis restarted, idle timeout); one retry on
                // a fresh connection hides that. A timeout is not retried: Redis is slow, not gone.
                logger.debug("pooled Redis connection lost, reconnecting", metadata: ["reason": "\(reason)"])
            }
        }
        return try use(try openConnection(), arguments)
    }

    private func use(_ connection: RedisConnection, _ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        do throws(RedisError) {
            let reply = try connection.command(arguments)
            giveBack(connection)
            return reply
        } catch {
            if connection.isBroken { discard(connection) } else { giveBack(connection) }
            throw error
        }
    }

    private func takeIdle() -> RedisConnection? {
        state.withLockedValue { $0.idle.popLast() }
    }

    private func openConnection() throws(RedisError) -> RedisConnection {
        do throws(RedisError) {
            let connection = try RedisConnection.open(configuration)
            let open = state.withLockedValue { state in
                state.open += 1
                return state.open
            }
            metrics.connectionsOpened.increment()
            metrics.openConnections.record(open)
            return connection
        } catch {
            logger.warning("cannot connect to Redis", metadata: [
                "redis": "\(configuration.redactedURL)", "error": "\(error)",
            ])
            throw error
        }
    }

    private func giveBack(_ connection: RedisConnection) {
        let keep = state.withLockedValue { state in
            guard !state.closed else {
                state.open -= 1
                return false
            }
            state.idle.append(connection)
            return true
        }
        if !keep { metrics.openConnections.record(state.withLockedValue(\.open)) }
    }

    private func discard(_ connection: RedisConnection) {
        let open = state.withLockedValue { state in
            state.open -= 1
            return state.open
        }
        metrics.openConnections.record(open)
    }
}
