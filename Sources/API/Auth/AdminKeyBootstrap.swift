import Foundation
import Logging
import Storage

/// Makes sure a database has an admin key.
///
/// With `ADMIN_API_KEY` (or `ADMIN_API_KEY_FILE`) the given secret is installed if missing
/// and never printed. Otherwise a key is generated on the database's first start: exactly
/// one process per database creates it (a marker row decides races between replicas), and
/// only that process prints it.
public enum AdminKeyBootstrap {
    public static let marker = "default_admin_key"

    public enum Outcome: Equatable, Sendable {
        /// A new key was generated; its secret, to show once.
        case generated(secret: String)
        /// The configured key was installed now.
        case installedConfigured
        /// Nothing to do: the configured key exists, or another process made the default one.
        case alreadyPresent
    }

    public static func run(store: any KeyStore, configuredSecret: String?, configuredFile: String?) async throws -> Outcome {
        if let secret = try configured(secret: configuredSecret, file: configuredFile) {
            guard APIKeySecret.isWellFormed(secret) else {
                throw AdminKeyError("ADMIN_API_KEY must be cci_ followed by 43 base64url characters (generate one with `cci keys generate`)")
            }
            let hash = APIKeySecret.hash(secret)
            if try await store.key(hash: hash) != nil { return .alreadyPresent }
            let key = NewAPIKey(id: "key_admin_configured", name: "admin (configured)", hash: hash,
                                prefix: String(secret.prefix(APIKeySecret.prefix.count + 8)),
                                permissions: [Permission.admin.rawValue], rateLimit: nil, expiresAt: nil)
            // A replica racing us installed it first: that is fine.
            do { _ = try await store.createKey(key) } catch StorageError.constraintViolation { return .alreadyPresent }
            return .installedConfigured
        }
        let generated = APIKeySecret.generate()
        let key = NewAPIKey(id: generated.id, name: "default admin", hash: generated.hash, prefix: generated.displayPrefix,
                            permissions: [Permission.admin.rawValue], rateLimit: nil, expiresAt: nil)
        return try await store.createKeyOnce(marker: marker, key) ? .generated(secret: generated.secret) : .alreadyPresent
    }

    private static func configured(secret: String?, file: String?) throws -> String? {
        if let secret, !secret.isEmpty { return secret.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let file, !file.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw AdminKeyError("ADMIN_API_KEY_FILE \(file) cannot be read")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A configured admin key that cannot be used; start-up stops with this message.
public struct AdminKeyError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
