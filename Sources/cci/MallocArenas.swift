import Foundation
#if os(Linux)
import CMalloc
#endif

/// glibc gives each thread that allocates concurrently an arena of its own, up to eight per
/// core, and keeps what is freed in them. Ingest allocates megabytes per request on the
/// event loops, the cooperative pool and the database threads, and the arenas held on to
/// it: capped at one per core, the servers' peak over `scripts/bench-ingest.sh 300` fell
/// from 166 to 147 MB on SQLite and from 201 to 147 MB on PostgreSQL, at the same speed.
/// An operator's `MALLOC_ARENA_MAX` wins.
enum MallocArenas {
    static func limitToCores() {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = mallopt(M_ARENA_MAX, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        #endif
    }
}
