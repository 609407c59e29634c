import NIOConcurrencyHelpers

/// A Lua script run by its SHA1 (`EVALSHA`), loaded with `SCRIPT LOAD` on first use.
///
/// When Redis answers `NOSCRIPT` (it restarted, failed over, or ran `SCRIPT FLUSH`) the
/// script is loaded again and the call retried once.
public final class RedisScript: Sendable {
    public let source: String
    private let sha = NIOLockedValueBox<String?>(nil)

    public init(_ source: String) {
        self.source = source
    }

    /// Runs the script with `keys` as `KEYS` and `arguments` as `ARGV`.
    public func run(on client: RedisClient, keys: [String], arguments: [String]) async throws -> RedisValue {
        let cached = sha.withLockedValue { $0 }
        let loaded = if let cached { cached } else { try await load(on: client) }
        do {
            return try await client.command(["EVALSHA", loaded, String(keys.count)] + keys + arguments)
        } catch RedisError.server(let message) where message.hasPrefix("NOSCRIPT") {
            let reloaded = try await load(on: client)
            return try await client.command(["EVALSHA", reloaded, String(keys.count)] + keys + arguments)
        }
    }

    private func load(on client: RedisClient) async throws -> String {
        let reply = try await client.command(["SCRIPT", "LOAD", source])
        guard let digest = reply.string, !digest.isEmpty else {
            throw RedisError.protocol("SCRIPT LOAD returned \(reply)")
        }
        sha.withLockedValue { $0 = digest }
        return digest
    }
}
