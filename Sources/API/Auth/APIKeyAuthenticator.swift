import Foundation
import Logging
import NIOConcurrencyHelpers
import Storage

/// Resolves an `X-API-Key` header to a live key. Every key is looked up in the database on
/// every request, so a revocation through any replica holds on the very next request.
///
/// No key, an unknown key, an expired key and a revoked key all get the same 401 message,
/// so a caller learns nothing about which keys exist.
final class APIKeyAuthenticator: Sendable {
    static let unauthorized = APIError(.unauthorized, code: "unauthorized", "a valid X-API-Key header is required")

    private let store: any KeyStore
    private let logger: Logger
    /// Last time each key's use was written: `last_used_at` is kept to the minute so that
    /// reads do not each become a database write.
    private let lastTouched = NIOLockedValueBox<[String: ContinuousClock.Instant]>([:])
    static let touchInterval: Duration = .seconds(60)

    init(store: any KeyStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func authenticate(_ header: String?) async throws -> APIKeyRecord {
        guard let secret = header?.trimmingCharacters(in: .whitespaces), APIKeySecret.isWellFormed(secret) else {
            throw Self.unauthorized
        }
        let hash = APIKeySecret.hash(secret)
        guard let key = try await store.key(hash: hash), APIKeySecret.constantTimeEquals(key.hash, hash) else {
            throw Self.unauthorized
        }
        let now = Date()
        if key.revokedAt != nil { throw Self.unauthorized }
        if let expiry = key.expiresAt.flatMap(Timestamp.parse), expiry <= now { throw Self.unauthorized }
        await touch(key.id, at: now)
        return key
    }

    private func touch(_ id: String, at date: Date) async {
        let due = lastTouched.withLockedValue { touched -> Bool in
            let instant = ContinuousClock.now
            if let last = touched[id], instant - last < Self.touchInterval { return false }
            touched[id] = instant
            return true
        }
        guard due else { return }
        do {
            try await store.touchKey(id: id, at: Timestamp.format(date))
        } catch {
            logger.warning("could not record key use", metadata: ["key_id": "\(id)", "error": "\(error)"])
        }
    }
}
