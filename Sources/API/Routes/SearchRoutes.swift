import Crypto
import Foundation
import Hummingbird
import HummingbirdCore
import Search
import Storage

/// `GET /api/sessions/search`: full-text search over every stored session. Answers are
/// cached (namespace `search`) until a session write invalidates them.
struct SearchRoutes {
    let store: any SearchStore
    let cache: ResponseCache

    static let maxQueryBytes = 1024
    static let maxLimit = 100

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.get, "/api/sessions/search")
        group.get("/sessions/search") { request, _ in
            try await cache.json(ResponseCache.searchKey(request.uri)) { try await search(request) }
        }
    }

    private func search(_ request: Request) async throws -> SearchResponse {
        let parameters = QueryParameters(uri: request.uri)
        let (searchRequest, text) = try Self.parse(parameters)
        let fingerprint = Self.fingerprint(request.uri)
        var offset = 0
        if let cursor = parameters.string("cursor") {
            guard let parts = Cursor.decode(cursor, count: 2), parts[1] == fingerprint, let value = Int(parts[0]), value >= 0 else {
                throw APIError.badRequest("cursor is not valid for this search; start again without it")
            }
            offset = value
        }
        let body: SearchResponse
        switch searchRequest.grouping {
        case .session:
            let (sessions, total) = try await store.searchSessions(searchRequest, offset: offset)
            let next = offset + sessions.count < total ? Cursor.encode([String(offset + sessions.count), fingerprint]) : nil
            body = SearchResponse(query: text, group: "session", total: total, sessions: sessions, entries: nil, nextCursor: next)
        case .entry:
            let (hits, total) = try await store.searchEntries(searchRequest, offset: offset)
            let next = offset + hits.count < total ? Cursor.encode([String(offset + hits.count), fingerprint]) : nil
            body = SearchResponse(query: text, group: "entry", total: total, sessions: nil, entries: hits, nextCursor: next)
        }
        return body
    }

    static func parse(_ parameters: QueryParameters) throws -> (SearchRequest, String) {
        guard let text = parameters.string("q"), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.badRequest("q is required")
        }
        guard text.utf8.count <= maxQueryBytes else { throw APIError.badRequest("q must be at most \(maxQueryBytes) bytes") }
        let query: SearchQuery
        do { query = try SearchQuery.parse(text) } catch { throw APIError.badRequest("q: \(error)") }
        let groupText = parameters.string("group") ?? "session"
        guard let grouping = SearchRequest.Grouping(rawValue: groupText) else {
            throw APIError.badRequest("group must be session or entry")
        }
        var kinds = SearchRequest.defaultKinds
        if let requested = parameters.list("kinds") {
            if requested == ["all"] {
                kinds = SearchRequest.knownKinds
            } else {
                if let unknown = requested.first(where: { !SearchRequest.knownKinds.contains($0) }) {
                    throw APIError.badRequest("kinds: unknown kind \"\(unknown)\"; known: \(SearchRequest.knownKinds.joined(separator: ", ")), or all")
                }
                kinds = requested
            }
        }
        let from = try parameters.timestamp("from")
        let to = try parameters.timestamp("to", endOfDay: true)
        if let from, let to, from > to { throw APIError.badRequest("from must not be after to") }
        let request = SearchRequest(
            query: query, grouping: grouping, project: parameters.string("project"), branch: parameters.string("branch"),
            sessionID: parameters.string("session"), from: from, to: to, kinds: kinds, toolName: parameters.string("tool"),
            errorsOnly: try parameters.bool("errors") ?? false,
            limit: try parameters.integer("limit", default: 20, in: 1...maxLimit, clamp: true),
            hitsPerSession: try parameters.integer("hits_per_session", default: 3, in: 1...20))
        return (request, text)
    }

    /// Ties a cursor to the search it came from (everything but the cursor itself).
    static func fingerprint(_ uri: URI) -> String {
        let parameters = uri.queryParameters.filter { $0.key != "cursor" }
            .map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "&")
        return SHA256.hash(data: Data(parameters.utf8)).prefix(8).hexString
    }
}

struct SearchResponse: Encodable, Sendable {
    let query: String
    let group: String
    let total: Int
    let sessions: [SessionHits]?
    let entries: [SearchHit]?
    let nextCursor: String?
    /// How the results were found: `full_text` now; semantic and hybrid modes come later.
    let mode = "full_text"

    enum CodingKeys: String, CodingKey {
        case query, group, total, mode
        case results
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(query, forKey: .query)
        try container.encode(group, forKey: .group)
        try container.encode(total, forKey: .total)
        try container.encode(mode, forKey: .mode)
        // One results array either way: sessions with hits, or hits.
        if let sessions { try container.encode(sessions, forKey: .results) }
        if let entries { try container.encode(entries, forKey: .results) }
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}
