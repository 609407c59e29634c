import Foundation
import Hummingbird
import Storage

/// `/api/admin/keys`: create (the secret is returned once), list (no secrets), revoke.
struct KeyRoutes {
    let store: any KeyStore
    let shared: SharedServices

    static let maxRateLimit = 1_000_000
    static let maxExpiryDays = 3650

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.post, "/api/admin/keys")
        group.post("/keys") { request, context in try await create(request, context) }
        routes.add(.get, "/api/admin/keys")
        group.get("/keys") { _, _ in JSONResponse(KeyList(keys: try await store.keys().map(KeyView.init))) }
        routes.add(.delete, "/api/admin/keys/{id}")
        group.delete("/keys/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard try await store.revokeKey(id: id) else { throw APIError.notFound("no active key \(id)") }
            await shared.keyRevoked()
            return Response(status: .noContent)
        }
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> JSONResponse<CreatedKey> {
        let body = try await JSONBody.read(request, context: context)
        let name = try body.string("name", required: true, maxLength: 200) ?? ""
        let permissions = try body.strings("permissions") ?? [Permission.readSessions.rawValue]
        guard !permissions.isEmpty else { throw APIError.badRequest("permissions must not be empty") }
        let known = Set(Permission.allCases.map(\.rawValue))
        if let unknown = permissions.first(where: { !known.contains($0) }) {
            throw APIError.badRequest("permissions: unknown permission \"\(unknown)\"; allowed: \(Permission.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let rateLimit = try body.integer("rate_limit", in: 1...Self.maxRateLimit)
        let days = try body.integer("expires_in_days", in: 1...Self.maxExpiryDays)
        let generated = APIKeySecret.generate()
        let record = try await store.createKey(NewAPIKey(
            id: generated.id, name: name, hash: generated.hash, prefix: generated.displayPrefix,
            permissions: Array(Set(permissions)).sorted(), rateLimit: rateLimit,
            expiresAt: days.map { Timestamp.format(Date().addingTimeInterval(Double($0) * 86400)) }))
        return JSONResponse(CreatedKey(key: generated.secret, details: KeyView(record)), status: .created)
    }
}

/// A key as clients see it: never its secret or hash.
struct KeyView: Encodable, Sendable {
    let id, name, prefix, createdAt: String
    let permissions: [String]
    let rateLimit: Int?
    let expiresAt, lastUsedAt, revokedAt: String?

    init(_ record: APIKeyRecord) {
        id = record.id
        name = record.name
        prefix = record.prefix
        createdAt = record.createdAt
        permissions = record.permissions
        rateLimit = record.rateLimit
        expiresAt = record.expiresAt
        lastUsedAt = record.lastUsedAt
        revokedAt = record.revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, permissions
        case createdAt = "created_at"
        case rateLimit = "rate_limit"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

struct CreatedKey: Encodable, Sendable {
    /// The secret: shown in this response only.
    let key: String
    let details: KeyView

    func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
    }

    enum CodingKeys: String, CodingKey { case key }
}

struct KeyList: Encodable, Sendable {
    let keys: [KeyView]
}
