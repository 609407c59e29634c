/// One reply from Redis, as RESP2 defines it.
///
/// A top-level error reply is thrown as ``RedisError/server(_:)`` by ``RedisClient``;
/// `.error` appears only nested inside an array (for example in the reply of `EXEC`).
public enum RedisValue: Sendable, Hashable {
    /// A bulk string: arbitrary bytes.
    case bulk([UInt8])
    /// A simple status reply such as `OK` or `PONG`.
    case status(String)
    case integer(Int64)
    case array([RedisValue])
    /// A nil bulk string or nil array (a missing key).
    case null
    case error(String)

    /// The text of a bulk string (decoded as UTF-8) or of a status reply.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// The bytes of a bulk string.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// An integer reply, or a bulk string holding a decimal integer (as `GET` returns counters).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk(let bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    /// The elements of an array reply.
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var isNull: Bool { self == .null }
}
