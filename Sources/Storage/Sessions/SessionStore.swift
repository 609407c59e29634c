/// Sessions and their entries.
///
/// Ingest is idempotent: an entry is keyed by its session and uuid, so storing the same
/// lines again, in any split, leaves the store as it was. Session metadata and statistics
/// are derived from the stored entries after every batch, inside the same transaction, so
/// they always agree with the entries whatever order batches arrive in.
public protocol SessionStore: Sendable {
    /// Stores the batches in one transaction: all of them or, on error, none. With
    /// `deriving: false` the sessions' derived fields (main chain, title, counts, usage) are
    /// left for ``refreshSessions(_:)``: a bulk import stores a long file slice by slice and
    /// derives once at its end, instead of rescanning a growing session after every slice.
    func ingest(_ batches: [SessionBatch], deriving: Bool) async throws -> [IngestOutcome]

    /// Stores groups of batches in one transaction, as ``ingest(_:deriving:)`` stores one:
    /// `next` runs on the database's own thread, may block there until the next group is
    /// ready, and returns nil at the end; if it throws, nothing is stored. With `deriving`,
    /// each changed session is derived once, after the last group. A bulk import and an
    /// upload hand over each piece of their bytes as it is parsed and commit once: a
    /// transaction per 512 KB piece rewrote the same index pages again and again.
    func ingest(groups next: @escaping @Sendable () throws -> [SessionBatch]?, deriving: Bool) async throws -> [IngestOutcome]

    /// Recomputes the derived fields of these sessions from their stored entries.
    func refreshSessions(_ ids: Set<String>) async throws

    /// One session, or nil when there is no such session.
    func session(id: String) async throws -> SessionSummary?

    /// The subagent sessions a session ran.
    func subagents(of id: String) async throws -> [SessionSummary]

    /// Sessions, most recently active first. `cursor` comes from a previous page.
    func sessions(matching filter: SessionFilter, cursor: String?, limit: Int) async throws -> Page<SessionSummary>

    /// A session's entries in file order. `cursor` comes from a previous page.
    func entries(of sessionID: String, matching filter: EntryFilter, cursor: String?, limit: Int) async throws -> Page<StoredEntry>

    /// Deletes a session with its entries and subagent sessions; false when it did not exist.
    func deleteSession(id: String) async throws -> Bool
}

extension SessionStore {
    /// Stores the batches and derives their sessions, in one transaction.
    public func ingest(_ batches: [SessionBatch]) async throws -> [IngestOutcome] {
        try await ingest(batches, deriving: true)
    }
}

/// A cursor that this service did not make, or made for another listing.
public struct InvalidCursor: Error, Equatable {
    public init() {}
}
