import Foundation
import Logging
import NIOConcurrencyHelpers
import SharedState
import Storage

/// Resolves an `X-API-Key` header to a live key, so that a revocation through any replica
/// holds on the very next request.
///
/// Without a shared cache tier, every key is looked up in the database on every request.
/// With one (Redis), key records are remembered in process under the generation of the
/// shared cache namespace ``cacheNamespace``, which every revocation moves: a request
/// takes its key from memory, reads the namespace's current generation in the round trip
/// that decides its rate limits, and goes back to the database only when the generation
/// has moved, could not be read, or the record is older than `rememberFor` (30 s).
///
/// No key, an unknown key, an expired key and a revoked key all get the same 401 message,
/// so a caller learns nothing about which keys exist.
final class APIKeyAuthenticator: Sendable {
    static let unauthorized = APIError(.unauthorized, code: "unauthorized", "a valid X-API-Key header is required")
    /// The shared cache namespace whose generation moves whenever a key is revoked.
    static let cacheNamespace = "api-keys"
    /// Remembered keys beyond this many are all forgotten at once (they are reloaded on use).
    static let maximumRemembered = 10_000
    /// The longest a key is trusted from memory: bounds how long a revocation made by a
    /// replica cut off from Redis (which moves the generation only once it is back) can go
    /// unseen by the others.
    static let defaultRememberFor: Duration = .seconds(30)
    private let rememberFor: Duration

    private let store: any KeyStore
    private let logger: Logger
    /// Remembered keys by hash; nil when keys are not remembered (no shared cache tier).
    private let remembered: NIOLockedValueBox<[String: Candidate]>?
    /// The newest generation of ``cacheNamespace`` seen, which a key read from the database
    /// after it is remembered under: any revocation committed after that read moves the
    /// generation past it.
    private let newestGeneration = NIOLockedValueBox<RedisCacheGeneration?>(nil)
    /// Last time each key's use was written: `last_used_at` is kept to the minute so that
    /// reads do not each become a database write.
    private let lastTouched = NIOLockedValueBox<[String: ContinuousClock.Instant]>([:])
    static let touchInterval: Duration = .seconds(60)

    /// A presented key that is valid as far as this replica knows.
    struct Candidate: Sendable {
        let record: APIKeyRecord
        let hash: String
        let expiry: Date?
        /// The generation it was remembered under; nil when it was just read from the database.
        var generation: RedisCacheGeneration?
        let loadedAt: ContinuousClock.Instant
    }

    /// - Parameter remembersKeys: remember key records between requests; only safe when
    ///   every request confirms them against a shared generation (``confirm(_:generation:)``).
    init(store: any KeyStore, remembersKeys: Bool = false, rememberFor: Duration = defaultRememberFor, logger: Logger) {
        self.store = store
        self.remembered = remembersKeys ? NIOLockedValueBox([:]) : nil
        self.rememberFor = rememberFor
        self.logger = logger
    }

    /// Looks the key up in the database and checks it.
    func authenticate(_ header: String?) async throws -> APIKeyRecord {
        let key = try await load(try Self.hash(header), rememberUnder: nil).record
        await touch(key.id, at: Date())
        return key
    }

    /// The presented key, from memory when remembered, else from the database. A remembered
    /// one must go through ``confirm(_:generation:)`` before it is trusted.
    func candidate(_ header: String?) async throws -> Candidate {
        let hash = try Self.hash(header)
        if let known = remembered?.withLockedValue({ $0[hash] }), ContinuousClock.now - known.loadedAt < rememberFor {
            try Self.check(known, now: Date())
            return known
        }
        return try await load(hash, rememberUnder: newestGeneration.withLockedValue { $0 })
    }

    /// The key's record, once `candidate` is known to be current: read from the database
    /// just now, or remembered under `generation`, the current one. Otherwise it is read
    /// again (and remembered under `generation`).
    func confirm(_ candidate: Candidate, generation: RedisCacheGeneration?) async throws -> APIKeyRecord {
        if let generation {
            newestGeneration.withLockedValue { $0 = generation }
        } else {
            // Redis did not answer: revocations may be going unannounced, so nothing
            // remembered is trusted until it is read again with Redis back.
            remembered?.withLockedValue { $0.removeAll() }
            newestGeneration.withLockedValue { $0 = nil }
        }
        var current = candidate
        if let remembered = candidate.generation, remembered != generation {
            current = try await load(candidate.hash, rememberUnder: generation)
        }
        let now = Date()
        try Self.check(current, now: now)
        await touch(current.record.id, at: now)
        return current.record
    }

    private func load(_ hash: String, rememberUnder generation: RedisCacheGeneration?) async throws -> Candidate {
        guard let key = try await store.key(hash: hash), APIKeySecret.constantTimeEquals(key.hash, hash) else {
            forget(hash)
            throw Self.unauthorized
        }
        let loaded = Candidate(
            record: key, hash: hash, expiry: key.expiresAt.flatMap(Timestamp.parse), generation: nil, loadedAt: .now)
        do {
            try Self.check(loaded, now: Date())
        } catch {
            forget(hash)
            throw error
        }
        if let generation, let remembered {
            var entry = loaded
            entry.generation = generation
            remembered.withLockedValue { keys in
                if keys.count >= Self.maximumRemembered { keys.removeAll() }
                keys[hash] = entry
            }
        }
        return loaded
    }

    private static func hash(_ header: String?) throws -> String {
        // Spaces and tabs trimmed by hand: Foundation's `trimmingCharacters` showed up in
        // request profiles.
        guard let utf8 = header?.utf8,
              let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let secret = String(utf8[first...last]), APIKeySecret.isWellFormed(secret) else {
            throw unauthorized
        }
        return APIKeySecret.hash(secret)
    }

    private func forget(_ hash: String) {
        _ = remembered?.withLockedValue { $0.removeValue(forKey: hash) }
    }

    private static func check(_ candidate: Candidate, now: Date) throws {
        if candidate.record.revokedAt != nil { throw unauthorized }
        if let expiry = candidate.expiry, expiry <= now { throw unauthorized }
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
