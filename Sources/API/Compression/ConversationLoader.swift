import Compression
import NIOPosix
import Storage
import Transcript

/// Loads a stored session as a ``Conversation``: every stored line, re-parsed from its raw
/// text so compression sees exactly what ingest saw. Parsing and compressing are CPU work,
/// so they run on NIO's thread pool, not on the cooperative pool serving requests.
struct ConversationLoader {
    let store: any SessionStore

    /// Lines fetched per page.
    static let pageSize = 1000

    /// The session's conversation, or nil when there is no such session.
    func load(_ sessionID: String) async throws -> (SessionSummary, Conversation)? {
        guard let summary = try await store.session(id: sessionID) else { return nil }
        var lines: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.entries(
                of: sessionID, matching: EntryFilter(mainChainOnly: false), cursor: cursor, limit: Self.pageSize)
            lines += page.items.map(\.raw)
            cursor = page.nextCursor
        } while cursor != nil
        let conversation = try await Self.offloaded { [lines] in Conversation(entries: TranscriptDecoder.decode(lines: lines).entries) }
        return (summary, conversation)
    }

    /// Runs CPU-heavy work off the cooperative pool.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
