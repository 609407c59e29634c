import Foundation

extension SQLStorage {
    public func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord {
        try await database.write { connection in try Self.insertKey(key, connection) }
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        try await database.read { connection in
            try connection.query(KeyRow.select + " WHERE key_hash = $1", .text(hash)).first.map(KeyRow.record)
        }
    }

    public func keys() async throws -> [APIKeyRecord] {
        try await database.read { connection in
            try connection.query(KeyRow.select + " ORDER BY created_at DESC, id").map(KeyRow.record)
        }
    }

    public func revokeKey(id: String) async throws -> Bool {
        try await database.write { connection in
            !(try connection.query(
                "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
                .text(id), .text(Timestamp.format(Date()))).isEmpty)
        }
    }

    public func touchKey(id: String, at time: String) async throws {
        try await database.write { connection in
            try connection.query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", .text(id), .text(time))
        }
    }

    public func createKeyOnce(marker name: String, _ key: NewAPIKey) async throws -> Bool {
        try await database.write { connection in
            // The marker's primary key decides the race: the loser inserts nothing and stops.
            let won = try connection.query(
                "INSERT INTO service_markers (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name",
                .text(name), .text(Timestamp.format(Date())))
            guard !won.isEmpty else { return false }
            _ = try Self.insertKey(key, connection)
            return true
        }
    }

    static func insertKey(_ key: NewAPIKey, _ connection: any SQLConnection) throws -> APIKeyRecord {
        let rows = try connection.query(
            """
            INSERT INTO api_keys (id, name, key_hash, key_prefix, permissions, rate_limit, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING id, name, key_hash, key_prefix, permissions, rate_limit, created_at, expires_at, last_used_at, revoked_at
            """,
            .text(key.id), .text(key.name), .text(key.hash), .text(key.prefix),
            .text(JSONText.array(key.permissions)), SQLValue(key.rateLimit), .text(Timestamp.format(Date())),
            SQLValue(key.expiresAt))
        return KeyRow.record(rows[0])
    }
}

enum KeyRow {
    static let select = """
        SELECT id, name, key_hash, key_prefix, permissions, rate_limit, created_at, expires_at, last_used_at, revoked_at
        FROM api_keys
        """

    static func record(_ row: SQLRow) -> APIKeyRecord {
        APIKeyRecord(
            id: row["id"].string ?? "", name: row["name"].string ?? "", hash: row["key_hash"].string ?? "",
            prefix: row["key_prefix"].string ?? "", permissions: JSONText.decodeArray(row["permissions"].string),
            rateLimit: row["rate_limit"].int, createdAt: SessionRow.timestamp(row["created_at"]) ?? "",
            expiresAt: SessionRow.timestamp(row["expires_at"]), lastUsedAt: SessionRow.timestamp(row["last_used_at"]),
            revokedAt: SessionRow.timestamp(row["revoked_at"]))
    }
}
