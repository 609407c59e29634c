import NIOConcurrencyHelpers

/// Copies the WAL's committed pages back into the SQLite file from a connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so the
/// writer waits there for the copy and two fsyncs: about a quarter of a 300 MB import's
/// time. The writer connection counts its WAL frames instead (see
/// ``SQLiteConnection/countWALFramesInsteadOfCheckpointing()``) and asks for a checkpoint
/// here, which runs beside the next transactions. A PASSIVE checkpoint never blocks the
/// writer or readers; one that could not copy everything is retried at the next request.
final class WALCheckpointer: Sendable {
    /// WAL frames (pages) after which a commit asks for a checkpoint: SQLite's own default.
    static let thresholdFrames = 1000
    /// WAL frames at which the writer checkpoints in its own commit after all: 128 MB of
    /// the pages of a file this service makes (8,000 of 16 KB).
    static let ceilingFrames = Int32(128 << 20 / SQLiteConnection.pageSize)

    private let pool: ConnectionPool
    private let state = NIOLockedValueBox(State())

    private struct State {
        var running = false
        /// A request arrived while a checkpoint ran: run one more after it.
        var requestedAgain = false
    }

    init(path: String, busyTimeoutMilliseconds: Int) {
        pool = ConnectionPool(name: "sqlite_checkpointer", maxConnections: 1) {
            try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        }
    }

    /// Starts a checkpoint unless one is running, in which case that one is followed by another.
    func request() {
        let start = state.withLockedValue { state -> Bool in
            if state.running {
                state.requestedAgain = true
                return false
            }
            state.running = true
            return true
        }
        if start { Task { await run() } }
    }

    private func run() async {
        repeat {
            // A failure (the database closing, a busy lock) leaves the frames for the next request.
            _ = try? await pool.withConnection { try $0.query("PRAGMA wal_checkpoint(PASSIVE)") }
        } while state.withLockedValue { state -> Bool in
            state.running = state.requestedAgain
            state.requestedAgain = false
            return state.running
        }
    }

    func close() async { await pool.close() }
}
