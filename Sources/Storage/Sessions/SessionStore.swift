import NIOConcurrencyHelpers

/// Sessions and their entries.
///
/// Ingest is idempotent: an entry is keyed by its session and uuid, so storing the same
/// lines again, in any split, leaves the store as it was. Session metadata and statistics
/// are derived from the stored entries at the end of a transaction, inside it, so they
/// always agree with the entries whatever order batches arrive in.
public protocol SessionStore: Sendable {
    /// Stores groups of batches in one transaction: all of them or, on error, none. `next`
    /// runs on the database's own thread, may block there until the next group is ready, and
    /// returns nil at the end; if it throws, nothing is stored. A bulk import hands over each
    /// piece of a slice as it is parsed and commits once per slice: a transaction per 512 KB
    /// piece rewrote the same index pages again and again.
    ///
    /// With `deriving`, each session the transaction changed has its derived fields (main
    /// chain, title, counts, usage) recomputed once, after the last group. Without, they are
    /// left for ``refreshSessions(_:)``: a bulk import stores a long file slice by slice and
    /// derives once at its end, instead of rescanning a growing session after every slice.
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
    /// Stores the batches, and unless told not to derives their sessions, in one transaction.
    public func ingest(_ batches: [SessionBatch], deriving: Bool = true) async throws -> [IngestOutcome] {
        let pending = NIOLockedValueBox<[SessionBatch]?>(batches)
        return try await ingest(groups: { pending.withLockedValue { value in defer { value = nil }; return value } }, deriving: deriving)
    }
}

/// A cursor that this service did not make, or made for another listing.
public struct InvalidCursor: Error, Equatable {
    public init() {}
}
