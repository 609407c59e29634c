/// Why a Redis command failed.
///
/// `unreachable` and `timeout` mean Redis could not be used at all: callers with a local
/// fallback (``FallbackRateLimiter``, ``TieredCache``) switch to it. `server` is Redis
/// refusing one command; the connection stays usable.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection could be made or kept (refused, reset, closed, or the client was closed).
    case unreachable(String)
    /// Connecting, waiting for a pooled connection or waiting for a reply took too long.
    case timeout
    /// An error reply, e.g. `NOSCRIPT ...`, `WRONGTYPE ...`, `READONLY ...`.
    case server(String)
    /// The reply could not be parsed, or the URL or configuration is invalid.
    case `protocol`(String)

    public var description: String {
        switch self {
        case .unreachable(let reason): "Redis unreachable: \(reason)"
        case .timeout: "Redis timed out"
        case .server(let message): "Redis error: \(message)"
        case .protocol(let reason): "Redis protocol error: \(reason)"
        }
    }

    /// Whether the error means Redis itself is unavailable (as opposed to one bad command).
    public var isUnavailable: Bool {
        switch self {
        case .unreachable, .timeout: true
        case .server(let message):
            // Redis answering "not now" during start-up, failover or memory pressure.
            ["LOADING", "READONLY", "MASTERDOWN", "BUSY", "OOM", "TRYAGAIN", "CLUSTERDOWN"]
                .contains { message.hasPrefix($0) }
        case .protocol: false
        }
    }
}
