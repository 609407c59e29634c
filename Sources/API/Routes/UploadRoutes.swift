import Crypto
import Foundation
import Hummingbird
import Ingest
import Storage

/// `POST /api/sessions` (a Claude Code JSONL upload, or plain content as JSON),
/// `POST /api/sessions/{id}/entries?offset=N` (resumable appends by byte offset) and
/// `POST /api/sessions/{id}/refresh` (derive a session after appends that deferred it).
///
/// A transcript body is received whole (bounded by the body limit), then parsed in pieces,
/// each handed to one transaction that writes it while the next is parsed: a refused request
/// stores nothing, and sending the same lines again changes nothing. The transaction opens
/// only once the bytes are all here, so a slow client never holds the database's writer.
struct UploadRoutes {
    let store: any SessionStore
    /// Told of every session written, so no replica serves an answer from before the write.
    let cache: ResponseCache
    let redact: Bool
    let maxLineBytes: Int

    static let jsonlTypes = ["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines"]

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.post, "/api/sessions")
        group.post("/sessions") { request, context in try await upload(request, context) }
        routes.add(.post, "/api/sessions/{id}/entries")
        group.post("/sessions/{id}/entries") { request, context in try await append(request, context) }
        routes.add(.post, "/api/sessions/{id}/refresh")
        group.post("/sessions/{id}/refresh") { _, context in try await refresh(try context.parameters.require("id")) }
    }

    private func upload(_ request: Request, _ context: AppRequestContext) async throws -> JSONResponse<UploadResponse> {
        let type = Self.mediaType(request)
        if type == "application/json" { return try await uploadPlain(request, context) }
        guard Self.jsonlTypes.contains(type) else { throw Self.unsupported }
        var accumulator = IngestAccumulator(redact: redact, limits: .init(maxLineBytes: maxLineBytes))
        return try await store(try await Self.collect(request, context), with: &accumulator, acceptTail: true)
    }

    private func append(_ request: Request, _ context: AppRequestContext) async throws -> JSONResponse<UploadResponse> {
        let sessionID = try context.parameters.require("id")
        guard Self.jsonlTypes.contains(Self.mediaType(request)) else { throw Self.unsupported }
        let offsetText = request.uri.queryParameters.get("offset") ?? "0"
        guard let offset = Int64(offsetText), offset >= 0 else {
            throw APIError.badRequest("offset must be a byte offset (a whole number, 0 or more)")
        }
        // A live session's last line may still be being written, so an unterminated last line
        // is held back, unless the client says the body runs to the end of a finished file.
        let endOfFile: Bool
        switch request.uri.queryParameters.get("eof") ?? "false" {
        case "true": endOfFile = true
        case "false": endOfFile = false
        default: throw APIError.badRequest("eof must be true or false")
        }
        // A bulk import of a long file defers deriving the session (main chain, title,
        // counts) to one refresh at the end, instead of rescanning it after every slice.
        let deriving: Bool
        switch request.uri.queryParameters.get("derive") ?? "true" {
        case "true": deriving = true
        case "false": deriving = false
        default: throw APIError.badRequest("derive must be true or false")
        }
        var accumulator = IngestAccumulator(
            startOffset: offset, redact: redact, limits: .init(maxLineBytes: maxLineBytes), fallbackSessionID: sessionID)
        return try await store(try await Self.collect(request, context), with: &accumulator, acceptTail: endOfFile, deriving: deriving)
    }

    /// Recomputes a session's derived fields from its stored entries; answers as
    /// `GET /api/sessions/{id}` does.
    private func refresh(_ id: String) async throws -> JSONResponse<SessionDetail> {
        guard try await store.session(id: id) != nil else { throw APIError.notFound("no session \(id)") }
        try await store.refreshSessions([id])
        await cache.invalidate(sessionID: id)
        guard let session = try await store.session(id: id) else { throw APIError.notFound("no session \(id)") }
        return JSONResponse(SessionDetail(session: session, subagents: try await store.subagents(of: id)))
    }

    /// `{"name", "project", "content"}`: content that is a transcript is ingested as one;
    /// other text becomes a session of its own, keyed by its content so a resend is a no-op.
    private func uploadPlain(_ request: Request, _ context: AppRequestContext) async throws -> JSONResponse<UploadResponse> {
        let body = try await JSONBody.read(request, context: context)
        let content = try body.string("content", required: true, maxLength: Int.max) ?? ""
        let name = try body.string("name", maxLength: 200)
        let project = try body.string("project", maxLength: 4096)
        var accumulator = IngestAccumulator(redact: redact, limits: .init(maxLineBytes: maxLineBytes))
        if Self.looksLikeTranscript(content) {
            return try await store(ByteBuffer(string: content), with: &accumulator, acceptTail: true)
        }
        let digest = SHA256.hash(data: Data(((name ?? "") + "\u{0}" + (project ?? "") + "\u{0}" + content).utf8))
        let sessionID = "text-" + digest.prefix(12).hexString
        // Written as the transcript lines Claude Code would write, so one path stores both.
        var lines: [[String: Any]] = []
        if let name { lines.append(["type": "custom-title", "customTitle": name, "sessionId": sessionID]) }
        var contentLine: [String: Any] = [
            "type": "user", "uuid": "\(sessionID)-content", "sessionId": sessionID,
            "timestamp": Timestamp.format(Date()), "message": ["role": "user", "content": content],
        ]
        if let project { contentLine["cwd"] = project }
        lines.append(contentLine)
        let jsonl = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
        return try await store(ByteBuffer(string: jsonl), with: &accumulator, acceptTail: true, reportedBytes: content.utf8.count)
    }

    /// Parses and stores `body` (see the type's comment) and answers with what was stored.
    private func store(_ body: ByteBuffer, with accumulator: inout IngestAccumulator, acceptTail: Bool,
                       deriving: Bool = true, reportedBytes: Int? = nil) async throws -> JSONResponse<UploadResponse> {
        let outcomes: [IngestOutcome]
        let report: IngestReport
        do {
            (outcomes, report) = try await IngestTransaction.store(
                body.readableBytesView, parsingWith: &accumulator, into: store, acceptUnterminatedTail: acceptTail, deriving: deriving)
        } catch let rejection as IngestAccumulator.Rejection {
            if case .lineTooLong(let line, let limit) = rejection {
                throw APIError(.contentTooLarge, code: "payload_too_large", "line \(line) is longer than the limit of \(limit) bytes")
            }
            throw APIError.badRequest(rejection.description)
        }
        await cache.invalidate(sessionIDs: outcomes.map(\.sessionID))
        var sessions: [UploadResponse.Session] = []
        for outcome in outcomes {
            sessions.append(UploadResponse.Session(outcome: outcome, summary: try await store.session(id: outcome.sessionID)))
        }
        let created = outcomes.contains(where: \.created)
        return JSONResponse(UploadResponse(report: report, bytes: reportedBytes ?? body.readableBytes, sessions: sessions),
                            status: created ? .created : .ok)
    }

    /// The whole body, bounded by the body limit; an empty one is refused.
    private static func collect(_ request: Request, _ context: AppRequestContext) async throws -> ByteBuffer {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { throw APIError.badRequest("the request body is empty") }
        return body
    }

    private static func mediaType(_ request: Request) -> String {
        (request.headers[.contentType] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }

    private static func looksLikeTranscript(_ content: String) -> Bool {
        guard let first = content.split(separator: "\n").first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
              let object = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any] else { return false }
        return object["type"] is String
    }

    static let unsupported = APIError(
        .unsupportedMediaType, code: "unsupported_media_type",
        "send a transcript as application/x-ndjson (or application/jsonl), or plain content as application/json")
}

/// The answer to an upload or append.
struct UploadResponse: Encodable, Sendable {
    struct Session: Encodable, Sendable {
        let outcome: IngestOutcome
        let summary: SessionSummary?

        func encode(to encoder: any Encoder) throws {
            try summary?.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(outcome.sessionID, forKey: .id)
            try container.encode(outcome.created, forKey: .created)
            try container.encode(outcome.inserted, forKey: .inserted)
            try container.encode(outcome.duplicates, forKey: .duplicates)
        }

        enum CodingKeys: String, CodingKey { case id, created, inserted, duplicates }
    }

    struct Malformed: Encodable, Sendable {
        let count: Int
        let lines: [Int]
        let reasons: [String]
    }

    let sessions: [Session]
    let lines: Int
    let bytes: Int
    let malformed: Malformed
    let redactions: Int
    let nextOffset: Int64
    let pendingBytes: Int

    init(report: IngestReport, bytes: Int, sessions: [Session]) {
        self.sessions = sessions
        self.lines = report.lines
        self.bytes = bytes
        self.malformed = Malformed(count: report.malformedCount, lines: report.malformed.map(\.lineNumber),
                                   reasons: report.malformed.map { "line \($0.lineNumber): \($0.reason)" })
        self.redactions = report.redactions
        self.nextOffset = report.nextOffset
        self.pendingBytes = report.pendingBytes
    }

    enum CodingKeys: String, CodingKey {
        case sessions, lines, bytes, malformed, redactions
        case nextOffset = "next_offset"
        case pendingBytes = "pending_bytes"
    }
}
