import Hummingbird
import Storage
import Transcript

/// Reading and deleting stored sessions: list, one session, its entries, delete.
struct SessionRoutes {
    let store: any SessionStore

    static let maxLimit = 200

    func registerReads(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.get, "/api/sessions")
        group.get("/sessions") { request, _ in try await list(request) }
        routes.add(.get, "/api/sessions/{id}")
        group.get("/sessions/{id}") { _, context in try await detail(try context.parameters.require("id")) }
        routes.add(.get, "/api/sessions/{id}/entries")
        group.get("/sessions/{id}/entries") { request, context in
            try await entries(try context.parameters.require("id"), request)
        }
    }

    func registerWrites(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.delete, "/api/sessions/{id}")
        group.delete("/sessions/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard try await store.deleteSession(id: id) else { throw APIError.notFound("no session \(id)") }
            return Response(status: .noContent)
        }
    }

    private func list(_ request: Request) async throws -> JSONResponse<PagedList<SessionSummary>> {
        let parameters = QueryParameters(uri: request.uri)
        let from = try parameters.timestamp("from")
        let to = try parameters.timestamp("to", endOfDay: true)
        if let from, let to, from > to { throw APIError.badRequest("from must not be after to") }
        let filter = SessionFilter(
            project: parameters.string("project"), branch: parameters.string("branch"), from: from, to: to,
            includeSubagents: try parameters.bool("include_subagents") ?? false)
        let limit = try parameters.integer("limit", default: 50, in: 1...Self.maxLimit, clamp: true)
        let page: Page<SessionSummary>
        do {
            page = try await store.sessions(matching: filter, cursor: parameters.string("cursor"), limit: limit)
        } catch is InvalidCursor {
            throw APIError.badRequest("cursor is not valid; start again without it")
        }
        return JSONResponse(PagedList("sessions", page))
    }

    private func detail(_ id: String) async throws -> JSONResponse<SessionDetail> {
        guard let session = try await store.session(id: id) else { throw APIError.notFound("no session \(id)") }
        return JSONResponse(SessionDetail(session: session, subagents: try await store.subagents(of: id)))
    }

    private func entries(_ id: String, _ request: Request) async throws -> JSONResponse<PagedList<StoredEntry>> {
        let parameters = QueryParameters(uri: request.uri)
        guard try await store.session(id: id) != nil else { throw APIError.notFound("no session \(id)") }
        let kinds = parameters.list("kinds") ?? []
        let known = EntryKind.allCases.map(\.rawValue)
        if let unknown = kinds.first(where: { !known.contains($0) }) {
            throw APIError.badRequest("kinds: unknown kind \"\(unknown)\"; known: \(known.joined(separator: ", "))")
        }
        let filter = EntryFilter(kinds: kinds, mainChainOnly: try parameters.bool("main_chain") ?? true)
        let limit = try parameters.integer("limit", default: 100, in: 1...1000, clamp: true)
        do {
            let page = try await store.entries(of: id, matching: filter, cursor: parameters.string("cursor"), limit: limit)
            return JSONResponse(PagedList("entries", page))
        } catch is InvalidCursor {
            throw APIError.badRequest("cursor is not valid; start again without it")
        }
    }
}

/// One page of a listing: `{"<items>": [...], "total": N, "next_cursor": "…" | null}`.
struct PagedList<Item: Encodable & Sendable>: Encodable, Sendable {
    let itemsKey: String
    let items: [Item]
    let total: Int
    let nextCursor: String?

    init(_ itemsKey: String, _ page: Page<Item>) {
        self.itemsKey = itemsKey
        items = page.items
        total = page.total
        nextCursor = page.nextCursor
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(itemsKey))
        try container.encode(total, forKey: Key("total"))
        // Always present, null on the last page, so clients can loop on it.
        try container.encode(nextCursor, forKey: Key("next_cursor"))
    }
}

struct SessionDetail: Encodable, Sendable {
    let session: SessionSummary
    let subagents: [SessionSummary]

    func encode(to encoder: any Encoder) throws {
        try session.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subagents, forKey: .subagents)
    }

    enum CodingKeys: String, CodingKey { case subagents }
}
