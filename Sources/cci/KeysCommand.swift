import API
import ArgumentParser
import Foundation
import Storage

/// `cci keys create|list|revoke|generate`: manage API keys directly in the database.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys in the configured database.",
        subcommands: [Create.self, List.self, Revoke.self, Generate.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its secret once.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "A name for the key.") var name: String
        @Option(help: "Comma-separated permissions: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")).")
        var permissions = Permission.readSessions.rawValue
        @Option(help: "Requests per minute for this key (default: DEFAULT_RATE_LIMIT).") var rateLimit: Int?
        @Option(help: "Days until the key expires (default: never).") var expiresInDays: Int?

        func validate() throws {
            let known = Set(Permission.allCases.map(\.rawValue))
            for permission in permissions.split(separator: ",") where !known.contains(String(permission)) {
                throw ValidationError("unknown permission \(permission); allowed: \(known.sorted().joined(separator: ", "))")
            }
            if let rateLimit, !(1...1_000_000).contains(rateLimit) { throw ValidationError("--rate-limit must be from 1 to 1000000") }
            if let expiresInDays, !(1...3650).contains(expiresInDays) { throw ValidationError("--expires-in-days must be from 1 to 3650") }
        }

        func run() async throws {
            try await withMigratedStorage(options) { storage in
                let generated = APIKeySecret.generate()
                let record = try await storage.createKey(NewAPIKey(
                    id: generated.id, name: name, hash: generated.hash, prefix: generated.displayPrefix,
                    permissions: permissions.split(separator: ",").map(String.init).sorted(), rateLimit: rateLimit,
                    expiresAt: expiresInDays.map { Timestamp.format(Date().addingTimeInterval(Double($0) * 86400)) }))
                print("created \(record.id) (\(record.permissions.joined(separator: ","))); secret, shown once:")
                print(generated.secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (no secrets).")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await withMigratedStorage(options) { storage in
                for key in try await storage.keys() {
                    let state = key.revokedAt != nil ? "revoked" : "active"
                    print([key.id, key.prefix + "…", key.name, key.permissions.joined(separator: ","),
                           key.rateLimit.map { "\($0)/min" } ?? "default", "expires \(key.expiresAt ?? "never")",
                           "last used \(key.lastUsedAt ?? "never")", state].joined(separator: "  "))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; effective on the next request.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The key id (key_…).") var id: String

        func run() async throws {
            // Servers sharing a Redis remember keys; moving the keys' generation there makes
            // every one of them read this key again on its next use.
            let servers = try SharedCacheInvalidation(config: try options.load().config)
            do {
                try await withMigratedStorage(options) { storage in
                    guard try await storage.revokeKey(id: id) else { throw CLIError("no active key \(id)") }
                    await servers.keyRevoked()
                    print("revoked \(id)")
                }
            } catch {
                await servers.close()
                throw error
            }
            await servers.close()
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new random secret without storing it (for ADMIN_API_KEY).")

        func run() async throws { print(APIKeySecret.generate().secret) }
    }
}

/// Opens the configured storage, refuses to work on a schema that is behind, runs `body`
/// and closes the storage.
func withMigratedStorage(_ options: ConfigOptions, _ body: (SQLStorage) async throws -> Void) async throws {
    let storage = try Bootstrap.openStorage(try options.load().config)
    do {
        let status = try await storage.migrationStatus()
        guard status.isCurrent else { throw CLIError("the database schema is behind; run `cci migrate` first") }
        try await body(storage)
    } catch {
        await storage.close()
        throw error
    }
    await storage.close()
}
