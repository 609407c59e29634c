import Foundation
import Search
import Storage

/// Everything a client can read from a store, as lines of JSON, for comparing whole states:
/// before and after a restore, or SQLite and the PostgreSQL it moved to.
public enum StorageSnapshot {
    /// Sessions (subagents included) with all their entries, and every API key.
    public static func data(_ storage: any Storage) async throws -> [String] {
        var lines: [String] = []
        let sessions = try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 10_000)
        lines.append("sessions \(sessions.total)")
        for session in sessions.items.sorted(by: { $0.id < $1.id }) {
            lines.append(try json(session))
            var cursor: String?
            repeat {
                let page = try await storage.entries(of: session.id, matching: EntryFilter(mainChainOnly: false), cursor: cursor, limit: 500)
                lines += try page.items.map(json)
                cursor = page.nextCursor
            } while cursor != nil
        }
        lines += try await storage.keys().map(json)
        return lines
    }

    /// For each query, every kind searched: the total and the hits. `exact` keeps the first
    /// page's order, scores and snippets (same backend); otherwise the sorted ids of every
    /// matching entry, since FTS5 and PostgreSQL rank and cut snippets differently.
    public static func searches(_ storage: any Storage, _ queries: [String] = TestCorpus.queries, exact: Bool) async throws -> [String] {
        var lines: [String] = []
        for text in queries {
            let request = SearchRequest(query: try SearchQuery.parse(text), grouping: .entry, kinds: SearchRequest.knownKinds, limit: 100)
            let (hits, total) = try await storage.searchEntries(request, offset: 0)
            lines.append("\(text): \(total) matches")
            if exact {
                lines += try hits.map(json)
                continue
            }
            var all = hits
            while all.count < total {
                let page = try await storage.searchEntries(request, offset: all.count).hits
                if page.isEmpty { break }
                all += page
            }
            lines.append(all.map { "\($0.sessionID)/\($0.entryUUID)" }.sorted().joined(separator: " "))
        }
        return lines
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
