import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection.
///
/// Every call blocks its thread, so it is only used on ``RedisClient``'s own thread pool,
/// and by one job at a time: the pool takes it out of the idle list for the length of a batch.
/// After an I/O, timeout or protocol error the context is unusable (a late reply would be
/// read as the answer to the next command), so it reports itself broken and is discarded.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    private(set) var isBroken = false

    private init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    deinit {
        redisFree(context)
    }

    /// Connects, sets the command timeout, authenticates and selects the database.
    static func open(_ configuration: RedisConfiguration) throws(RedisError) -> RedisConnection {
        guard let context = redisConnectWithTimeout(configuration.host, Int32(configuration.port),
                                                    makeTimeval(configuration.connectTimeout)) else {
            throw .unreachable("cannot allocate a hiredis context")
        }
        let connection = RedisConnection(context: context)
        if context.pointee.err != 0 {
            throw connection.contextError(whileConnecting: true)
        }
        guard redisSetTimeout(context, makeTimeval(configuration.commandTimeout)) == REDIS_OK else {
            throw connection.contextError(whileConnecting: true)
        }
        if let password = configuration.password {
            let auth = configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            _ = try connection.command(auth.map { Array($0.utf8) })
        }
        if configuration.database != 0 {
            _ = try connection.command([Array("SELECT".utf8), Array(String(configuration.database).utf8)])
        }
        return connection
    }

    /// Sends one command and waits for its reply. A top-level error reply is thrown as
    /// `.server` and leaves the connection usable.
    func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        try pipeline([arguments]).replies[0].get()
    }

    /// What a pipeline brought back: one result per command, in order, and whether the
    /// connection failed before the first reply arrived (nothing was answered, so nothing
    /// is known to have run and the whole pipeline may be sent again elsewhere).
    struct PipelineResult {
        var replies: [Result<RedisValue, RedisError>]
        var failedBeforeFirstReply: Bool
    }

    /// Writes every command in one go, then reads their replies in order. A top-level error
    /// reply fails only its own command (`.server`); an I/O, timeout or protocol error
    /// breaks the connection and fails that command and every one after it.
    func pipeline(_ commands: [[[UInt8]]]) -> PipelineResult {
        for arguments in commands {
            guard append(arguments) == REDIS_OK else {
                let error = contextError(whileConnecting: false)
                return PipelineResult(replies: commands.map { _ in .failure(error) }, failedBeforeFirstReply: true)
            }
        }
        var replies: [Result<RedisValue, RedisError>] = []
        replies.reserveCapacity(commands.count)
        while replies.count < commands.count {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                let error = contextError(whileConnecting: false)
                let answered = replies.count
                replies += Array(repeating: .failure(error), count: commands.count - answered)
                return PipelineResult(replies: replies, failedBeforeFirstReply: answered == 0)
            }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(reply.pointee.type == REDIS_REPLY_ERROR ? .failure(.server(Self.text(of: reply))) : .success(Self.value(of: reply)))
            freeReplyObject(raw)
        }
        return PipelineResult(replies: replies, failedBeforeFirstReply: false)
    }

    /// Formats one command into the context's output buffer; nothing is sent yet.
    private func append(_ arguments: [[UInt8]]) -> Int32 {
        precondition(!arguments.isEmpty, "a Redis command needs at least its name")
        // One contiguous buffer holds every argument; argv points into it.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        offsets.reserveCapacity(arguments.count)
        for argument in arguments {
            offsets.append(buffer.count)
            buffer.append(contentsOf: argument)
        }
        buffer.append(0)
        let lengths = arguments.map(\.count)
        return buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return argv.withUnsafeMutableBufferPointer { argvPointer in
                lengths.withUnsafeBufferPointer { lengthPointer in
                    redisAppendCommandArgv(context, Int32(arguments.count), argvPointer.baseAddress, lengthPointer.baseAddress)
                }
            }
        }
    }

    /// Classifies the context's error and marks the connection broken.
    private func contextError(whileConnecting: Bool) -> RedisError {
        let code = errno
        isBroken = true
        let message = withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch context.pointee.err {
        case REDIS_ERR_IO where code == EAGAIN || code == EWOULDBLOCK || code == ETIMEDOUT || code == EINPROGRESS:
            // A connect timeout means Redis cannot be reached; a read timeout means it is slow.
            return whileConnecting ? .unreachable("connect timed out") : .timeout
        case REDIS_ERR_PROTOCOL, REDIS_ERR_OOM:
            return .protocol(message)
        case REDIS_ERR_EOF:
            return .unreachable(message.isEmpty ? "connection closed by server" : message)
        default:
            return .unreachable(message.isEmpty ? "I/O error \(code)" : message)
        }
    }

    private static func value(of reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        switch reply.pointee.type {
        case REDIS_REPLY_STRING:
            guard let str = reply.pointee.str else { return .bulk([]) }
            return .bulk(Array(UnsafeRawBufferPointer(start: str, count: reply.pointee.len)))
        case REDIS_REPLY_STATUS:
            return .status(text(of: reply))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(reply.pointee.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(reply.pointee.elements)
            for index in 0..<reply.pointee.elements {
                if let element = reply.pointee.element[index] {
                    elements.append(value(of: element))
                } else {
                    elements.append(.null)
                }
            }
            return .array(elements)
        case REDIS_REPLY_ERROR:
            return .error(text(of: reply))
        default:
            return .null
        }
    }

    private static func text(of reply: UnsafeMutablePointer<redisReply>) -> String {
        guard let str = reply.pointee.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: reply.pointee.len), as: UTF8.self)
    }
}

private func makeTimeval(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    var value = timeval()
    value.tv_sec = numericCast(seconds)
    value.tv_usec = numericCast(attoseconds / 1_000_000_000_000)
    return value
}
