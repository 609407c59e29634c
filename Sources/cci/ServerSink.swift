import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Ingest

/// Sends slices to a running server with `POST /api/sessions/{id}/entries?offset=N`, the
/// same resumable, idempotent append a live client uses; the server parses and redacts.
///
/// Busy answers (429, 502, 503, 504) and dropped connections are retried after the
/// server's `Retry-After`, or a growing pause: resending a slice is always safe.
struct ServerSink: TranscriptSink {
    let server: URL
    let apiKey: String?
    var attempts = 8
    var timeout: TimeInterval = 300

    var destination: String { "server:" + server.absoluteString }

    init(server: URL, apiKey: String?) {
        self.server = server
        self.apiKey = apiKey
    }

    func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
        let request = self.request(offset: offset, fileSessionID: fileSessionID, endOfFile: endOfFile)
        var pause = 0.5
        for attempt in 1...attempts {
            let answer: (Data, URLResponse)
            do {
                answer = try await URLSession.shared.upload(for: request, from: Data(bytes))
            } catch {
                guard attempt < attempts else { throw ServerSinkError.unreachable(server, "\(error.localizedDescription)") }
                try await Task.sleep(for: .seconds(pause))
                pause = min(pause * 2, 10)
                continue
            }
            let (data, response) = answer
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if (200..<300).contains(status) { return try Self.outcome(from: data) }
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

    /// The server derives each session as it stores it: nothing is left pending.
    func flush() async throws -> Set<String> { [] }

    private func request(offset: Int64, fileSessionID: String, endOfFile: Bool) -> URLRequest {
        let id = fileSessionID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? fileSessionID
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)!
        let base = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = base + "/api/sessions/\(id)/entries"
        components.queryItems = [URLQueryItem(name: "offset", value: String(offset)), URLQueryItem(name: "eof", value: String(endOfFile))]
        var request = URLRequest(url: components.url!, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        return request
    }

    /// The fields of the server's upload answer that an import counts.
    private struct Answer: Decodable {
        struct Session: Decodable { let id: String; let inserted: Int; let duplicates: Int }
        struct Malformed: Decodable { let count: Int }
        let sessions: [Session]
        let lines: Int
        let malformed: Malformed
        let redactions: Int
        let next_offset: Int64
    }

    private static func outcome(from data: Data) throws -> SliceOutcome {
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
        return outcome
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
