import AsyncHTTPClient
import Foundation
import Ingest
import NIOCore
import Storage

/// Sends slices to a running server with `POST /api/sessions/{id}/entries?offset=N`, the
/// same resumable, idempotent append a live client uses; the server parses and redacts.
///
/// Like ``DatabaseSink``, it has the server store a file's slices without deriving their
/// sessions (`derive=false`) but the last, so a long file is not rescanned after every
/// slice; sessions the last slice did not change are derived at ``flush()``
/// (`POST /api/sessions/{id}/refresh`).
///
/// Busy answers (429, 502, 503, 504), refused and dropped connections are retried after the
/// server's `Retry-After`, or a growing pause: resending a slice is always safe.
///
/// Requests go through AsyncHTTPClient: Foundation's URLSession spent ~7 s of a core's time
/// sending 300 MB over loopback, a core the server's parser and writer need.
final class ServerSink: TranscriptSink, @unchecked Sendable {
    let server: URL
    let apiKey: String?
    let client: HTTPClient
    let attempts = 8
    let timeout: TimeAmount = .seconds(300)

    /// A refused or unanswered connection fails the attempt at once (here within 10 s), and
    /// `post` retries it with its own pauses: left to AsyncHTTPClient, a connection is
    /// retried until the request's 300 s deadline, and an import aimed at a server that is
    /// not running waited 300 s for each of its attempts.
    static var clientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
    private let lock = NSLock()
    private var underived: Set<String> = []

    var destination: String { "server:" + server.absoluteString }
    /// A slice is one request, whose lines the server parses and holds until it stores them:
    /// 8 MB keeps the server's memory far below what 32 MB slices would take.
    let sliceBytes = 8 << 20

    init(server: URL, apiKey: String?, client: HTTPClient) {
        self.server = server
        self.apiKey = apiKey
        self.client = client
    }

    func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
        // The last slice is derived as it is stored: a file sent in one slice costs one request.
        let query = ["offset": String(offset), "eof": String(endOfFile), "derive": String(endOfFile)]
        let data = try await post(path: "/api/sessions/\(Self.pathSegment(fileSessionID))/entries", query: query,
                                  body: .bytes(bytes), contentType: "application/x-ndjson")
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
                _ = try await post(path: "/api/sessions/\(Self.pathSegment(id))/refresh", query: [:], body: nil, contentType: nil)
                done.insert(id)
            }
        } catch {
            lock.withLock { underived.formUnion(sessions.subtracting(done)) }  // kept for the next flush
            throw error
        }
        return done
    }

    /// Sends a POST, retrying busy answers and dropped connections; returns the body of a
    /// 2xx answer.
    private func post(path: String, query: [String: String], body: HTTPClientRequest.Body?, contentType: String?) async throws -> Data {
        var request = HTTPClientRequest(url: url(path: path, query: query))
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let apiKey { request.headers.add(name: "X-API-Key", value: apiKey) }
        request.body = body
        var pause = 0.5
        for attempt in 1...attempts {
            let status: Int
            let data: Data
            let retryAfter: Double?
            do {
                let response = try await client.execute(request, timeout: timeout)
                status = Int(response.status.code)
                retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
                data = Data(buffer: try await response.body.collect(upTo: Self.maxAnswerBytes))
            } catch {
                guard attempt < attempts else { throw ServerSinkError.unreachable(server, ServerSinkError.reason(error)) }
                try await Task.sleep(for: .seconds(pause))
                pause = min(pause * 2, 10)
                continue
            }
            if (200..<300).contains(status) { return data }
            if [429, 502, 503, 504].contains(status) && attempt < attempts {
                try await Task.sleep(for: .seconds(min(retryAfter ?? pause, 60)))
                pause = min(pause * 2, 10)
                continue
            }
            throw ServerSinkError.refused(status: status, message: Self.message(in: data))
        }
        throw ServerSinkError.unreachable(server, "no answer after \(attempts) attempts")
    }

    /// An answer lists the sessions a slice touched: far below this.
    private static let maxAnswerBytes = 16 << 20

    private static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
    }

    private func url(path: String, query: [String: String]) -> String {
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)!
        let base = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = base + path
        components.queryItems = query.isEmpty ? nil : query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.url!.absoluteString
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
        let stored = answer.sessions.map {
            IngestOutcome(sessionID: $0.id, inserted: $0.inserted, duplicates: $0.duplicates, created: $0.created)
        }
        var outcome = SliceOutcome()
        outcome.counts.add(stored)
        outcome.counts.lines = answer.lines
        outcome.counts.malformed = answer.malformed.count
        outcome.counts.redactions = answer.redactions
        outcome.nextOffset = answer.next_offset
        return (outcome, Set(stored.filter(\.changedSession).map(\.sessionID)))
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

    /// Why a try failed, in words: NIO's own text for a refused connection reads
    /// "connection reset (error set): Connection refused (errno: 111)".
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed { return "the connection closed before an answer" }
        return "\(error)"
    }
}
