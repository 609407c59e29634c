import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Ingest

/// Sends slices to a running server with `POST /api/sessions/{id}/entries?offset=N`, the
/// same resumable, idempotent append a live client uses; the server parses and redacts.
///
/// Like ``DatabaseSink``, it has the server store a file's slices without deriving their
/// sessions (`derive=false`) but the last, so a long file is not rescanned after every
/// slice; sessions the last slice did not change are derived at ``flush()``
/// (`POST /api/sessions/{id}/refresh`).
///
/// Busy answers (429, 502, 503, 504) and dropped connections are retried after the
/// server's `Retry-After`, or a growing pause: resending a slice is always safe.
final class ServerSink: TranscriptSink, @unchecked Sendable {
    let server: URL
    let apiKey: String?
    let attempts = 8
    let timeout: TimeInterval = 300
    private let lock = NSLock()
    private var underived: Set<String> = []

    var destination: String { "server:" + server.absoluteString }
    /// A slice is one request, whose lines the server parses and holds until it stores them:
    /// 8 MB keeps the server's memory far below what 32 MB slices would take.
    let sliceBytes = 8 << 20

    init(server: URL, apiKey: String?) {
        self.server = server
        self.apiKey = apiKey
    }

    func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
        // The last slice is derived as it is stored: a file sent in one slice costs one request.
        let query = ["offset": String(offset), "eof": String(endOfFile), "derive": String(endOfFile)]
        let data = try await post(request(path: "/api/sessions/\(Self.pathSegment(fileSessionID))/entries", query: query),
                                  body: Data(bytes))
        let (outcome, changed) = try Self.outcome(from: data)
        lock.withLock {
            // The server derives only sessions a request changed; the others, duplicates-only
            // ones too (a run cut off before its flush left them underived), wait for flush.
            underived.formUnion(outcome.counts.sessions)
            if endOfFile { underived.subtract(changed) }
        }
        return outcome
    }

    func flush() async throws -> Set<String> {
        let sessions = lock.withLock {
            defer { underived = [] }
            return underived
        }
        var done: Set<String> = []
        do {
            for id in sessions.sorted() {
                var request = request(path: "/api/sessions/\(Self.pathSegment(id))/refresh", query: [:])
                request.setValue(nil, forHTTPHeaderField: "Content-Type")
                _ = try await post(request, body: Data())
                done.insert(id)
            }
        } catch {
            lock.withLock { underived.formUnion(sessions.subtracting(done)) }  // kept for the next flush
            throw error
        }
        return done
    }

    /// Sends the request, retrying busy answers and dropped connections; returns the body
    /// of a 2xx answer.
    private func post(_ request: URLRequest, body: Data) async throws -> Data {
        var pause = 0.5
        for attempt in 1...attempts {
            let answer: (Data, URLResponse)
            do {
                answer = try await URLSession.shared.upload(for: request, from: body)
            } catch {
                guard attempt < attempts else { throw ServerSinkError.unreachable(server, "\(error.localizedDescription)") }
                try await Task.sleep(for: .seconds(pause))
                pause = min(pause * 2, 10)
                continue
            }
            let (data, response) = answer
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if (200..<300).contains(status) { return data }
            if [429, 502, 503, 504].contains(status) && attempt < attempts {
                let retryAfter = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
                try await Task.sleep(for: .seconds(min(retryAfter ?? pause, 60)))
                pause = min(pause * 2, 10)
                continue
            }
            throw ServerSinkError.refused(status: status, message: Self.message(in: data))
        }
        throw ServerSinkError.unreachable(server, "no answer after \(attempts) attempts")
    }

    private static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
    }

    private func request(path: String, query: [String: String]) -> URLRequest {
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)!
        let base = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = base + path
        components.queryItems = query.isEmpty ? nil : query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        var request = URLRequest(url: components.url!, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        return request
    }

    /// The fields of the server's upload answer that an import counts.
    private struct Answer: Decodable {
        struct Session: Decodable { let id: String; let created: Bool; let inserted: Int; let duplicates: Int }
        struct Malformed: Decodable { let count: Int }
        let sessions: [Session]
        let lines: Int
        let malformed: Malformed
        let redactions: Int
        let next_offset: Int64
    }

    /// The slice's counts, and the sessions it created or added entries to (which the
    /// server derived when asked to).
    private static func outcome(from data: Data) throws -> (SliceOutcome, changed: Set<String>) {
        let answer = try JSONDecoder().decode(Answer.self, from: data)
        var outcome = SliceOutcome()
        for session in answer.sessions {
            outcome.counts.sessions.insert(session.id)
            outcome.counts.inserted += session.inserted
            outcome.counts.duplicates += session.duplicates
        }
        outcome.counts.lines = answer.lines
        outcome.counts.malformed = answer.malformed.count
        outcome.counts.redactions = answer.redactions
        outcome.nextOffset = answer.next_offset
        return (outcome, Set(answer.sessions.filter { $0.created || $0.inserted > 0 }.map(\.id)))
    }

    /// The `message` of the server's JSON error, or the body as text.
    private static func message(in data: Data) -> String {
        struct ErrorBody: Decodable { struct Detail: Decodable { let message: String }; let error: Detail }
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: data) { return body.error.message }
        return String(decoding: data.prefix(500), as: UTF8.self)
    }
}

enum ServerSinkError: Error, CustomStringConvertible {
    case unreachable(URL, String)
    case refused(status: Int, message: String)

    var description: String {
        switch self {
        case .unreachable(let server, let reason): return "the server at \(server.absoluteString) cannot be reached: \(reason)"
        case .refused(let status, let message): return "the server refused the upload (HTTP \(status)): \(message)"
        }
    }
}
