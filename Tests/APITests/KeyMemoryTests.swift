@testable import API
import Foundation
import Logging
@testable import SharedState
import Storage
import TestSupport
import Testing

/// How long a replica trusts a key it remembers when nothing moves the keys' generation — a
/// revocation made by a replica cut off from Redis, or written straight into the database.
@Suite("Remembered API keys")
struct KeyMemoryTests {
    @Test("a remembered key is trusted under an unmoved generation only until rememberFor runs out",
          arguments: TestDatabase.backends)
    func rememberedForAtMost(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            let generated = APIKeySecret.generate()
            _ = try await storage.createKey(NewAPIKey(
                id: generated.id, name: "remembered", hash: generated.hash, prefix: generated.displayPrefix,
                permissions: ["read:sessions"], rateLimit: nil, expiresAt: nil))
            let authenticator = APIKeyAuthenticator(
                store: storage, remembersKeys: true, rememberFor: .milliseconds(300), logger: Logger(label: "test"))
            let generation = RedisCacheGeneration(epoch: 1, namespace: 1)
            // The first use learns the generation, the second reads the key under it.
            for _ in 0..<2 {
                let candidate = try await authenticator.candidate(generated.secret)
                _ = try await authenticator.confirm(candidate, generation: generation)
            }
            #expect(try await storage.revokeKey(id: generated.id))
            // Nothing moved the generation: the remembered key still passes.
            let remembered = try await authenticator.candidate(generated.secret)
            #expect(remembered.generation == generation)
            #expect(try await authenticator.confirm(remembered, generation: generation).id == generated.id)

            try await Task.sleep(for: .milliseconds(400))
            await #expect(throws: APIError.self) {
                _ = try await authenticator.candidate(generated.secret)
            }
        }
    }

    @Test("a moved generation or an unreadable one sends a remembered key back to the database")
    func generationMovedOrUnknown() async throws {
        try await TestDatabase.withMigratedStorage(.sqlite) { storage in
            let generated = APIKeySecret.generate()
            _ = try await storage.createKey(NewAPIKey(
                id: generated.id, name: "remembered", hash: generated.hash, prefix: generated.displayPrefix,
                permissions: ["read:sessions"], rateLimit: nil, expiresAt: nil))
            let authenticator = APIKeyAuthenticator(store: storage, remembersKeys: true, logger: Logger(label: "test"))
            let old = RedisCacheGeneration(epoch: 1, namespace: 1)
            for _ in 0..<2 {
                _ = try await authenticator.confirm(try await authenticator.candidate(generated.secret), generation: old)
            }
            #expect(try await storage.revokeKey(id: generated.id))
            let remembered = try await authenticator.candidate(generated.secret)
            await #expect(throws: APIError.self) {
                _ = try await authenticator.confirm(remembered, generation: RedisCacheGeneration(epoch: 1, namespace: 2))
            }
            await #expect(throws: APIError.self) {
                _ = try await authenticator.confirm(remembered, generation: nil)
            }
        }
    }
}
