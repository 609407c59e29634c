import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A pool of blocking hiredis connections, each used by one thread at a time, that
/// pipelines the commands of concurrent callers.
///
/// hiredis calls block, so they never run on NIO event loops or Swift's cooperative pool.
/// A command joins a queue; up to `poolSize` drain jobs on this client's `NIOThreadPool`
/// (which also bounds the number of open connections) each take what is queued, up to
/// ``maximumBatch`` commands, write it to one connection in a single pipeline and read the
/// replies. Under load, one write, one read and one thread wake-up serve many requests
/// instead of one each. Connections are made on first use; a connection that failed is
/// discarded and a new one is made by the next batch.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    /// The most commands one pipeline carries; a bound on how long one batch holds its
    /// connection and on the replies held in memory at once.
    static let maximumBatch = 64
    private let threadPool: NIOThreadPool
    private let state = NIOLockedValueBox(State())
    private let logger: Logger
    private let metrics: RedisClientMetrics

    private struct Queued {
        let id: UInt64
        let arguments: [[UInt8]]
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<RedisValue, any Error>
    }

    private struct State {
        var idle: [RedisConnection] = []
        var open = 0
        var closed = false
        var queue = CircularBuffer<Queued>()
        var drainers = 0
        var nextID: UInt64 = 0
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
        precondition(!arguments.isEmpty, "a Redis command needs at least its name")
        let id = state.withLockedValue { state in
            state.nextID &+= 1
            return state.nextID
        }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    enqueue(Queued(id: id, arguments: arguments, enqueued: .now, continuation: continuation))
                }
            } onCancel: {
                let removed = state.withLockedValue { state -> Queued? in
                    guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.queue.remove(at: index)
                }
                removed?.continuation.resume(throwing: CancellationError())
            }
        } catch let error as RedisError {
            metrics.recordError(error)
            throw error
        }
    }

    private func enqueue(_ command: Queued) {
        enum Outcome { case queued, startDrainer, closed, cancelled }
        let outcome = state.withLockedValue { state -> Outcome in
            guard !state.closed else { return .closed }
            // A task cancelled before it got here would never see its cancellation handler
            // find the command in the queue.
            guard !Task.isCancelled else { return .cancelled }
            state.queue.append(command)
            guard state.drainers < configuration.poolSize else { return .queued }
            state.drainers += 1
            return .startDrainer
        }
        switch outcome {
        case .queued: break
        case .startDrainer: threadPool.submit { self.drain($0) }
        case .closed: command.continuation.resume(throwing: RedisError.unreachable("client is closed"))
        case .cancelled: command.continuation.resume(throwing: CancellationError())
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
        let stranded = state.withLockedValue { state in
            state.idle.removeAll()
            state.open = 0
            defer { state.queue.removeAll() }
            return Array(state.queue)
        }
        for command in stranded { command.continuation.resume(throwing: RedisError.unreachable("client is closed")) }
        metrics.openConnections.record(0)
    }

    /// How many connections are open and how many of them are idle.
    public var connectionCounts: (open: Int, idle: Int) {
        state.withLockedValue { ($0.open, $0.idle.count) }
    }

    // MARK: - On the pool's threads

    /// Sends batches until the queue is empty. A job the pool cancels (it is shutting down)
    /// fails what is queued instead.
    private func drain(_ work: NIOThreadPool.WorkItemState) {
        while true {
            let batch = state.withLockedValue { state -> [Queued] in
                let count = min(state.queue.count, Self.maximumBatch)
                if count == 0 { state.drainers -= 1 }
                return (0..<count).map { _ in state.queue.removeFirst() }
            }
            if batch.isEmpty { return }
            guard work == .active else {
                for command in batch { command.continuation.resume(throwing: RedisError.unreachable("client is closed")) }
                continue
            }
            // A command that waited too long for a connection fails rather than add to a backlog.
            let now = ContinuousClock.now
            var ready: [Queued] = []
            ready.reserveCapacity(batch.count)
            for command in batch {
                if now - command.enqueued > configuration.maximumQueueWait {
                    command.continuation.resume(throwing: RedisError.timeout)
                } else {
                    ready.append(command)
                }
            }
            guard !ready.isEmpty else { continue }
            let replies = send(ready.map(\.arguments))
            for (command, reply) in zip(ready, replies) { command.continuation.resume(with: reply.mapError { $0 }) }
        }
    }

    private func send(_ commands: [[[UInt8]]]) -> [Result<RedisValue, RedisError>] {
        if let pooled = takeIdle() {
            let result = use(pooled, commands)
            // A pooled connection can go stale (Redis restarted, idle timeout); one retry on
            // a fresh connection hides that. A timeout is not retried: Redis is slow, not gone.
            guard result.failedBeforeFirstReply, case .failure(.unreachable(let reason)) = result.replies[0] else {
                return result.replies
            }
            logger.debug("pooled Redis connection lost, reconnecting", metadata: ["reason": "\(reason)"])
        }
        do throws(RedisError) {
            return use(try openConnection(), commands).replies
        } catch {
            return commands.map { _ in .failure(error) }
        }
    }

    private func use(_ connection: RedisConnection, _ commands: [[[UInt8]]]) -> RedisConnection.PipelineResult {
        metrics.pipelinesSent.increment()
        metrics.commandsSent.increment(by: commands.count)
        let result = connection.pipeline(commands)
        if connection.isBroken { discard(connection) } else { giveBack(connection) }
        return result
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
