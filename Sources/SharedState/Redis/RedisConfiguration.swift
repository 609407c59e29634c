import Foundation

/// Where and how a ``RedisClient`` connects.
///
/// Timeouts are short by default: Redis answers in well under a millisecond, so a reply
/// that takes 250 ms means trouble, and the callers have local fallbacks to switch to.
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// Redis 6 ACL user; `nil` authenticates as the default user.
    public var username: String?
    public var password: String?
    /// The logical database selected on every new connection.
    public var database: Int
    /// How many connections (and so threads) the client keeps at most.
    public var poolSize: Int
    public var connectTimeout: Duration
    /// How long one command may wait for its reply.
    public var commandTimeout: Duration
    /// How long a command may queue for a free connection before it fails with `.timeout`,
    /// so a backlog behind a slow Redis fails fast instead of growing.
    public var maximumQueueWait: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        poolSize: Int = 4,
        connectTimeout: Duration = .milliseconds(500),
        commandTimeout: Duration = .milliseconds(250),
        maximumQueueWait: Duration = .milliseconds(250)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = max(1, poolSize)
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maximumQueueWait = maximumQueueWait
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`; user and password may be
    /// percent-encoded, an IPv6 host is written in brackets.
    ///
    /// `rediss://` is refused: Debian's hiredis 0.14 has no TLS, so TLS to Redis goes
    /// through a sidecar (stunnel, spiped) that the client reaches over plain `redis://`.
    public init(url: String) throws {
        self.init()
        let lowered = url.lowercased()
        if lowered.hasPrefix("rediss://") {
            throw RedisError.protocol("rediss:// (TLS) is not supported by hiredis 0.14; connect through a TLS sidecar")
        }
        guard lowered.hasPrefix("redis://") else {
            throw RedisError.protocol("a Redis URL starts with redis://")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        if rest.contains("?") || rest.contains("#") {
            throw RedisError.protocol("query strings and fragments are not supported in Redis URLs")
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            try parseUserInfo(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        try parseHostAndPort(rest)
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else {
                throw RedisError.protocol("the database in a Redis URL is a number, got '\(path)'")
            }
            self.database = database
        }
    }

    /// The URL without its password, for logs and health output.
    public var redactedURL: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let credentials = password == nil ? "" : "\(username ?? ""):***@"
        return "redis://\(credentials)\(hostPart):\(port)/\(database)"
    }

    private mutating func parseUserInfo(_ info: Substring) throws {
        guard let colon = info.firstIndex(of: ":") else {
            throw RedisError.protocol("Redis URL credentials are written user:password@ or :password@")
        }
        let user = try Self.percentDecoded(info[..<colon])
        username = user.isEmpty ? nil : user
        password = try Self.percentDecoded(info[info.index(after: colon)...])
    }

    private mutating func parseHostAndPort(_ authority: Substring) throws {
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw RedisError.protocol("unclosed '[' in Redis URL host")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw RedisError.protocol("unexpected '\(after)' after Redis host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw RedisError.protocol("a Redis URL needs a host") }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw RedisError.protocol("invalid port '\(portText)' in Redis URL")
            }
            self.port = port
        }
    }

    private static func percentDecoded(_ text: Substring) throws -> String {
        guard let decoded = text.removingPercentEncoding else {
            throw RedisError.protocol("invalid percent-encoding in Redis URL credentials")
        }
        return decoded
    }
}
