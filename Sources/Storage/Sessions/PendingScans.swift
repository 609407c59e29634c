import NIOConcurrencyHelpers

/// Scans of sessions this process created and has been writing without deriving them yet,
/// extended with each entry as it is stored, so that deriving needs no second pass over the
/// session's rows: for a 300 MB transcript that pass was an eighth of the writer's time.
///
/// A scan is used only if the stored session still matches it when it is derived
/// (``SessionScan/matchesStoredSession(_:connection:)``); otherwise the session is read back
/// as before. Kept on SQLite only: PostgreSQL answers timestamps in its own form, which a
/// scan of the written text would not match character for character.
final class PendingScans: Sendable {
    /// At ~90 bytes an entry while scans grow (their tables double), at most ~45 MB held,
    /// about 900 MB of transcript. Past it the scans kept longest go first, and their
    /// sessions are read back when derived (a 1 GB transcript's 550,000 entries are: keeping
    /// them all measured no faster).
    let maximumEntries: Int

    init(maximumEntries: Int = 500_000) {
        self.maximumEntries = maximumEntries
    }

    private struct Held {
        var scans: [String: (scan: SessionScan, stamp: Int)] = [:]
        var entries = 0
        var stamp = 0
    }

    private let held = NIOLockedValueBox(Held())

    /// Entries held in all the scans kept.
    var entries: Int { held.withLockedValue(\.entries) }

    /// The session's scan, taken out; nil when none is kept.
    func take(_ sessionID: String) -> SessionScan? {
        held.withLockedValue { held in
            guard let scan = held.scans.removeValue(forKey: sessionID)?.scan else { return nil }
            held.entries -= scan.ids.count
            return scan
        }
    }

    /// The scans kept of these sessions, taken out.
    func take(_ sessionIDs: Set<String>) -> [String: SessionScan] {
        var taken: [String: SessionScan] = [:]
        for id in sessionIDs { taken[id] = take(id) }
        return taken
    }

    /// Keeps these scans (of committed entries) until their sessions are derived.
    func keep(_ scans: [String: SessionScan]) {
        held.withLockedValue { held in
            for (sessionID, scan) in scans where scan.inFileOrder {
                held.stamp += 1
                held.entries += scan.ids.count - (held.scans[sessionID]?.scan.ids.count ?? 0)
                held.scans[sessionID] = (scan, held.stamp)
            }
            while held.entries > maximumEntries, let oldest = held.scans.min(by: { $0.value.stamp < $1.value.stamp }) {
                held.entries -= oldest.value.scan.ids.count
                held.scans[oldest.key] = nil
            }
        }
    }
}

/// The scans one write transaction extends: begun for each session a batch created, or
/// taken from ``PendingScans`` for one kept from before; other sessions are read back when
/// derived.
struct ScansInTransaction {
    let pending: PendingScans?
    private(set) var scans: [String: SessionScan] = [:]
    private var unscanned: Set<String> = []

    init(pending: PendingScans?) {
        self.pending = pending
    }

    mutating func extend(with written: SessionIngestWriter.Written) {
        guard let pending else { return }
        let id = written.outcome.sessionID
        if scans[id] == nil, !unscanned.contains(id) {
            if written.outcome.created {
                scans[id] = SessionScan()
            } else if let kept = pending.take(id) {
                scans[id] = kept
            } else {
                unscanned.insert(id)
                return
            }
        }
        for (rowID, entry) in written.inserted {
            scans[id]?.add(id: rowID, entry: entry, onMainChain: SessionIngestWriter.likelyOnMainChain(entry))
        }
    }

    /// The scans of these sessions, no longer kept here.
    mutating func take(_ sessionIDs: Set<String>) -> [String: SessionScan] {
        var taken: [String: SessionScan] = [:]
        for id in sessionIDs { taken[id] = scans.removeValue(forKey: id) }
        return taken
    }
}
