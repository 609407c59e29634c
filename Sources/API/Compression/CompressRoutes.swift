import Compression
import Hummingbird
import Storage
import Transcript

/// `POST /api/sessions/compress`: a stored session (`session_id`) or posted transcript or
/// plain text (`content`) compressed at a deterministic level, with its measurements, or
/// summarised by Ollama (`level: summary`, see ``SummaryCompression``).
/// A stored session's deterministic compressions are cached with its family's answers, so
/// a write to the session drops them; posted content is compressed every time.
struct CompressRoutes {
    let store: any SessionStore
    let cache: ResponseCache
    let redact: Bool
    let summaries: SummaryCompression

    static let maxTokensRange = 1...1_000_000

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.post, "/api/sessions/compress")
        group.post("/sessions/compress") { request, context in try await compress(request, context) }
    }

    private func compress(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, context: context)
        let level = try Self.level(body)
        let maxTokens = try body.integer("max_tokens", in: Self.maxTokensRange)
        let sessionID = try body.string("session_id", maxLength: 500)
        let content = try body.string("content", maxLength: Int.max)
        guard let level else {
            return try await summaries.respond(
                body, sessionID: sessionID, content: content, maxTokens: maxTokens, request: request, context: context)
        }
        switch (sessionID, content) {
        case (let id?, nil):
            let part = "compression:\(level.rawValue):\(maxTokens.map(String.init) ?? "default")"
            return try await cache.json(ResponseCache.sessionKey(id, part)) {
                guard let (_, loaded) = try await ConversationLoader(store: store).load(id) else {
                    throw APIError.notFound("no session \(id)")
                }
                return try await Self.compress(loaded, level: level, maxTokens: maxTokens, sessionID: id)
            }
        case (nil, let text?):
            guard !text.allSatisfy(\.isWhitespace) else { throw APIError.badRequest("content must not be empty") }
            let redactor = redact ? SecretRedactor() : nil
            let conversation = try await ConversationLoader.offloaded {
                Conversation(entries: TranscriptDecoder.decode(text, redactor: redactor).entries)
            }
            return try JSONResponse(try await Self.compress(conversation, level: level, maxTokens: maxTokens, sessionID: nil))
                .response(from: request, context: context)
        default:
            throw APIError.badRequest("send either session_id or content, not both")
        }
    }

    private static func compress(
        _ conversation: Conversation, level: CompressionLevel, maxTokens: Int?, sessionID: String?
    ) async throws -> CompressResponse {
        guard !conversation.entries.isEmpty else { throw nothingToCompress }
        let result = try await ConversationLoader.offloaded {
            Compressor.compress(conversation, level: level, maxTokens: maxTokens)
        }
        return CompressResponse(sessionID: conversation.sessionID ?? sessionID, result: result)
    }

    static let nothingToCompress = APIError(
        .unprocessableContent, code: "nothing_to_compress", "the session has no conversation to compress")

    /// The deterministic level asked for, or nil for `summary`.
    static func level(_ body: JSONBody) throws -> CompressionLevel? {
        let text = try body.string("level", maxLength: 50) ?? CompressionLevel.digest.rawValue
        if let level = CompressionLevel(rawValue: text) { return level }
        if text == summaryLevel { return nil }
        let known = (CompressionLevel.allCases.map(\.rawValue) + [summaryLevel]).joined(separator: ", ")
        throw APIError.badRequest("level must be one of \(known)")
    }

    static let summaryLevel = "summary"
}
