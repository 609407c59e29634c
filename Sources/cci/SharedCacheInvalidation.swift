import API
import Ingest
import Logging
import ServiceConfig

/// Lets `cci import`, `cci restore` and `cci keys revoke` tell the servers sharing their Redis what they changed
/// in the database, so that none serves a cached answer from before. A single node without
/// Redis keeps its in-process answers until they expire (`cache.ttl`).
struct SharedCacheInvalidation {
    private let shared: SharedServices?

    init(config: AppConfig) throws {
        guard config.redisURL != nil, config.cache.enabled else {
            shared = nil
            return
        }
        shared = try SharedServices.make(config: config, logger: Logger(label: "cci.import"))
    }

    /// `sink`, invalidating after each slice the sessions it wrote; `sink` itself without Redis.
    func wrap(_ sink: any TranscriptSink) -> any TranscriptSink {
        guard let shared else { return sink }
        return InvalidatingSink(inner: sink, cache: shared.responses)
    }

    /// Every cached answer, on every server sharing the Redis (after a restore).
    func invalidateAll() async {
        await shared?.responses.invalidateAll()
    }

    /// A key revoked in the database, on every server sharing the Redis (only they remember keys).
    func keyRevoked() async {
        await shared?.keyRevoked()
    }

    func close() async {
        await shared?.close()
    }
}

private struct InvalidatingSink: TranscriptSink {
    let inner: any TranscriptSink
    let cache: ResponseCache

    var destination: String { inner.destination }
    var sliceBytes: Int { inner.sliceBytes }

    func store(_ bytes: [UInt8], offset: Int64, fileSessionID: String, endOfFile: Bool) async throws -> SliceOutcome {
        let outcome = try await inner.store(bytes, offset: offset, fileSessionID: fileSessionID, endOfFile: endOfFile)
        if outcome.counts.inserted > 0 { await cache.invalidate(sessionIDs: outcome.counts.sessions) }
        return outcome
    }

    /// Sessions derived only now change their cached answers again.
    func flush() async throws -> Set<String> {
        let sessions = try await inner.flush()
        if !sessions.isEmpty { await cache.invalidate(sessionIDs: sessions) }
        return sessions
    }
}
