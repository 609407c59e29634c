import Compression
import Foundation
import Hummingbird
import Search
import Storage

/// `POST /api/context/restore`: a Markdown pack of earlier sessions for a new one, never
/// over `max_tokens`. Sessions are named (`session_ids`), or found in a project, by a
/// full-text `query` when given, else the most recent. `format` is `json` (default),
/// `markdown`, or `hook` (the JSON a Claude Code `SessionStart` hook prints).
struct RestoreRoutes {
    let store: any SessionStore & SearchStore

    static let maxSessions = 20
    static let defaultSessions = 3
    static let defaultMaxTokens = 4000
    static let maxTokensRange = 100...200_000
    static let formats = ["json", "markdown", "hook"]

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.post, "/api/context/restore")
        group.post("/context/restore") { request, context in try await restore(request, context) }
    }

    private func restore(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, context: context)
        let format = try body.string("format", maxLength: 20) ?? request.uri.queryParameters.get("format") ?? "json"
        guard Self.formats.contains(format) else {
            throw APIError.badRequest("format must be one of \(Self.formats.joined(separator: ", "))")
        }
        let maxTokens = try body.integer("max_tokens", in: Self.maxTokensRange) ?? Self.defaultMaxTokens
        let ids = try await sessionIDs(body)
        let loader = ConversationLoader(store: store)
        var sources: [RestoreSource] = []
        for id in ids {
            guard let (summary, conversation) = try await loader.load(id) else { throw APIError.notFound("no session \(id)") }
            sources.append(RestoreSource(
                sessionID: id, title: summary.title, gitBranch: summary.gitBranches.last, lastActivity: summary.lastAt,
                conversation: conversation))
        }
        let pack = try await ConversationLoader.offloaded { [sources] in RestorePackBuilder(maxTokens: maxTokens).build(sources) }
        switch format {
        case "markdown":
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: pack.text)))
        case "hook":
            return try JSONResponse(HookOutput(context: pack.text)).response(from: request, context: context)
        default:
            return try JSONResponse(RestoreResponse(pack)).response(from: request, context: context)
        }
    }

    /// The sessions asked for, or found in the project: exactly one of the two ways.
    private func sessionIDs(_ body: JSONBody) async throws -> [String] {
        let named = try body.strings("session_ids")
        let project = try body.string("project", maxLength: 4096)
        let query = try body.string("query", maxLength: SearchRoutes.maxQueryBytes)
        let limit = try body.integer("limit", in: 1...Self.maxSessions)
        switch (named, project) {
        case (let ids?, nil):
            guard !ids.isEmpty, ids.count <= Self.maxSessions else {
                throw APIError.badRequest("session_ids must name 1 to \(Self.maxSessions) sessions")
            }
            if query != nil || limit != nil { throw APIError.badRequest("query and limit go with project, not session_ids") }
            return ids
        case (nil, let project?):
            guard !project.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError.badRequest("project must not be empty") }
            return try await find(project: project, query: query, limit: limit ?? Self.defaultSessions)
        default:
            throw APIError.badRequest("send either session_ids or project, not both")
        }
    }

    private func find(project: String, query text: String?, limit: Int) async throws -> [String] {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return try await store.sessions(matching: SessionFilter(project: project), cursor: nil, limit: limit).items.map(\.id)
        }
        let query: SearchQuery
        do { query = try SearchQuery.parse(text) } catch { throw APIError.badRequest("query: \(error)") }
        let request = SearchRequest(query: query, grouping: .session, project: project, limit: limit, hitsPerSession: 1)
        return try await store.searchSessions(request, offset: 0).sessions.map(\.sessionID)
    }
}

/// The JSON form of a pack.
struct RestoreResponse: Encodable, Sendable {
    struct Part: Encodable, Sendable {
        let sessionID: String
        let level: String
        let tokens: Int
        let recall: Double

        enum CodingKeys: String, CodingKey {
            case level, tokens, recall
            case sessionID = "session_id"
        }
    }

    let markdown: String
    let tokens: Int
    let maxTokens: Int
    let sessions: [Part]
    let omittedSessions: [String]

    init(_ pack: RestorePack) {
        markdown = pack.text
        tokens = pack.tokens
        maxTokens = pack.maxTokens
        sessions = pack.parts.map { Part(sessionID: $0.sessionID, level: $0.level.rawValue, tokens: $0.tokens, recall: $0.recall.score) }
        omittedSessions = pack.omittedSessions
    }

    enum CodingKeys: String, CodingKey {
        case markdown, tokens, sessions
        case maxTokens = "max_tokens"
        case omittedSessions = "omitted_sessions"
    }
}

/// What a Claude Code `SessionStart` hook prints to add context to the new session.
struct HookOutput: Encodable, Sendable {
    struct Specific: Encodable, Sendable {
        let hookEventName = "SessionStart"
        let additionalContext: String
    }

    let hookSpecificOutput: Specific

    init(context: String) {
        hookSpecificOutput = Specific(additionalContext: context)
    }
}
