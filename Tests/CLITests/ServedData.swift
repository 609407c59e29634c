import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// What `cci serve` answers a client that reads everything: every page of the session
/// list, each session and all its entries, and the complete results of
/// ``TestCorpus/queries`` (as sorted entry ids, since FTS5 and PostgreSQL rank differently).
struct ServedData {
    let port: Int
    let key: String

    func everything() async throws -> [String] {
        var lines: [String] = []
        var ids: [String] = []
        try await pages("/api/sessions?include_subagents=true&limit=200") { page in
            lines.append(Self.text(page))
            ids += (page["sessions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        for id in ids.sorted() {
            lines.append("session \(id)")
            lines.append(Self.text(try await get("/api/sessions/\(id)")))
            try await pages("/api/sessions/\(id)/entries?main_chain=false&limit=1000") { lines.append(Self.text($0)) }
        }
        for query in TestCorpus.queries {
            let q = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
            var hits: [String] = []
            var total = 0
            try await pages("/api/sessions/search?q=\(q)&group=entry&kinds=all&limit=100") { page in
                total = page["total"] as? Int ?? -1
                hits += (page["results"] as? [[String: Any]] ?? []).map { "\($0["session_id"] ?? "")/\($0["entry_uuid"] ?? "")" }
            }
            lines.append("search \(query) \(hits.sorted().joined(separator: " ")) \(total)")
        }
        return lines
    }

    /// Follows `next_cursor` from `path` to the last page.
    private func pages(_ path: String, _ body: ([String: Any]) throws -> Void) async throws {
        var cursor: String?
        repeat {
            let suffix = cursor.map { "&cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
            let page = try await get(path + suffix)
            try body(page)
            cursor = page["next_cursor"] as? String
        } while cursor != nil
    }

    private func get(_ path: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw ServedDataError(description: "GET \(path): \(status) \(String(decoding: data, as: UTF8.self))") }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The answer with sorted keys, so equal answers compare equal.
    private static func text(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    struct ServedDataError: Error, CustomStringConvertible {
        let description: String
    }
}
