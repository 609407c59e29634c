import Storage

/// One write transaction fed groups of batches while they are still being parsed: the
/// database's thread writes each group as the caller parses the next (``BatchHandoff``),
/// and either everything handed over is committed or, after ``rollBack(_:)``, nothing.
///
/// A direct import's slice is one. Every transaction must end in ``commit()`` or
/// ``rollBack(_:)``; both wait for the writer, so none outlives its caller.
final class IngestTransaction: Sendable {
    private let handoff: BatchHandoff
    private let writing: Task<[IngestOutcome], any Error>

    /// Starts the transaction; with `deriving`, the sessions it changes are derived once
    /// before it commits.
    init(store: any SessionStore, deriving: Bool) {
        let handoff = BatchHandoff()
        self.handoff = handoff
        writing = Task {
            do {
                return try await store.ingest(groups: handoff.take, deriving: deriving)
            } catch {
                handoff.stop(error)
                throw error
            }
        }
    }

    /// Hands over the next group, waiting while the one before is still being written.
    /// Throws the writer's error once it has stopped; then only ``rollBack(_:)`` remains.
    func put(_ batches: [SessionBatch]) async throws {
        try await handoff.put(batches)
    }

    /// Commits what was handed over; returns each group's outcomes in order.
    func commit() async throws -> [IngestOutcome] {
        handoff.finish()
        return try await writing.value
    }

    /// Stores nothing: the writer stops with `error` and rolls back.
    func rollBack(_ error: any Error) async {
        handoff.fail(error)
        _ = try? await writing.value
    }
}
