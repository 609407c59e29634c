import Storage

/// One write transaction fed groups of batches while they are still being parsed: the
/// database's thread writes each group as the caller parses the next (``BatchHandoff``),
/// and either everything handed over is committed or, after ``rollBack(_:)``, nothing.
///
/// A direct import's slice is one, and so is an upload's body (``store(_:parsingWith:into:acceptUnterminatedTail:deriving:pieceBytes:)``).
/// Every transaction must end in ``commit()`` or ``rollBack(_:)``; both wait for the
/// writer, so none outlives its caller.
public final class IngestTransaction: Sendable {
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

extension IngestTransaction {
    /// Bytes parsed before each hand-over to the writer: small enough that parsing and
    /// writing overlap and memory holds a few pieces, large enough that hand-overs cost nothing.
    public static let pieceBytes = 512 * 1024

    /// Parses `bytes` with `accumulator` and stores them in one transaction, a piece at a
    /// time, each written while the next is parsed; returns one outcome per session, in the
    /// order sessions first appear. Bytes the accumulator refuses
    /// (``IngestAccumulator/Rejection``) store nothing, and so does a failing database;
    /// either error is thrown.
    public static func store(
        _ bytes: some Collection<UInt8>, parsingWith accumulator: inout IngestAccumulator, into store: any SessionStore,
        acceptUnterminatedTail: Bool, deriving: Bool, pieceBytes: Int = pieceBytes
    ) async throws -> (outcomes: [IngestOutcome], report: IngestReport) {
        let transaction = IngestTransaction(store: store, deriving: deriving)
        let report: IngestReport
        do {
            var start = bytes.startIndex
            while start != bytes.endIndex {
                let end = bytes.index(start, offsetBy: max(1, pieceBytes), limitedBy: bytes.endIndex) ?? bytes.endIndex
                try accumulator.feed(bytes[start..<end])
                let parsed = accumulator.takeBatches()
                if !parsed.isEmpty { try await transaction.put(parsed) }
                start = end
            }
            let last: [SessionBatch]
            (last, report) = try accumulator.finish(acceptUnterminatedTail: acceptUnterminatedTail)
            let rest = last.filter { !$0.entries.isEmpty }
            if !rest.isEmpty { try await transaction.put(rest) }
        } catch {
            await transaction.rollBack(error)
            throw error
        }
        return (bySession(try await transaction.commit()), report)
    }

    /// One outcome per session, in the order sessions first appeared: a session's lines may
    /// reach the writer in several pieces.
    static func bySession(_ outcomes: [IngestOutcome]) -> [IngestOutcome] {
        var order: [String] = []
        var merged: [String: IngestOutcome] = [:]
        for outcome in outcomes {
            guard let earlier = merged[outcome.sessionID] else {
                order.append(outcome.sessionID)
                merged[outcome.sessionID] = outcome
                continue
            }
            merged[outcome.sessionID] = IngestOutcome(
                sessionID: outcome.sessionID, inserted: earlier.inserted + outcome.inserted,
                duplicates: earlier.duplicates + outcome.duplicates, created: earlier.created || outcome.created)
        }
        return order.compactMap { merged[$0] }
    }
}
