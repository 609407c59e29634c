/// API keys. Only a SHA-256 hash of each secret is stored; the secret is shown once, when
/// the key is created, and never again.
public protocol KeyStore: Sendable {
    /// Stores a new key.
    func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord

    /// The key whose secret hashes to `hash`, revoked or expired ones included (the caller
    /// decides), or nil.
    func key(hash: String) async throws -> APIKeyRecord?

    /// Every key, newest first, without secrets.
    func keys() async throws -> [APIKeyRecord]

    /// Marks a key revoked; false when there is no such key or it was already revoked.
    func revokeKey(id: String) async throws -> Bool

    /// Records a use of the key.
    func touchKey(id: String, at: String) async throws

    /// Stores `key` only if the marker `name` has never been set in this database, setting
    /// it in the same transaction. True for exactly one caller per database, however many
    /// processes race.
    func createKeyOnce(marker name: String, _ key: NewAPIKey) async throws -> Bool
}

/// A key to store: its hash and public parts.
public struct NewAPIKey: Sendable, Equatable {
    public var id: String
    public var name: String
    public var hash: String
    public var prefix: String
    public var permissions: [String]
    public var rateLimit: Int?
    public var expiresAt: String?

    public init(id: String, name: String, hash: String, prefix: String, permissions: [String], rateLimit: Int?, expiresAt: String?) {
        self.id = id
        self.name = name
        self.hash = hash
        self.prefix = prefix
        self.permissions = permissions
        self.rateLimit = rateLimit
        self.expiresAt = expiresAt
    }
}

/// A stored key, without its secret.
public struct APIKeyRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// The secret's hash: never sent to clients.
    public var hash: String
    /// The first characters of the secret, so a person can tell keys apart.
    public var prefix: String
    public var permissions: [String]
    public var rateLimit: Int?
    public var createdAt: String
    public var expiresAt: String?
    public var lastUsedAt: String?
    public var revokedAt: String?
}
