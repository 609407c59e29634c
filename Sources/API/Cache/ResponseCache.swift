import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SharedState

/// The JSON answers of read routes, kept in the shared cache (memory, plus Redis when
/// configured) and invalidated by the writes that change them.
///
/// Answers live in namespaces that a write invalidates as a whole:
/// - `search`: every search answer (any session write may change any search);
/// - `session:<id>`: answers about one session family, a session and its subagent
///   sessions (`<id>:agent-…`): its details and its compressions.
///
/// Whoever writes sessions calls ``invalidate(sessionID:)`` once the write is committed
/// and before answering, so the next read on any replica sees it. With the cache off
/// (`CACHE_ENABLED=false`) every read loads and nothing is kept.
public struct ResponseCache: Sendable {
    static let searchNamespace = "search"

    private let cache: (any Cache)?
    private let ttl: Duration

    public init(cache: (any Cache)?, ttl: Duration) {
        self.cache = cache
        self.ttl = ttl
    }

    /// Bypasses caching.
    public static let disabled = ResponseCache(cache: nil, ttl: .zero)

    /// The cached answer for `key`, else `load()`'s, encoded as JSON, cached and returned.
    /// Errors thrown by `load` (404, 400) are not cached. `X-Cache` says `hit` or `miss`.
    func json<Body: Encodable & Sendable>(_ key: CacheKey, load: () async throws -> Body) async throws -> Response {
        guard let cache else { return try Self.response(JSONBodyEncoder.encode(await load()), cache: nil) }
        var loaded = false
        let bytes = try await cache.getOrLoad(key, ttl: ttl) {
            loaded = true
            return try JSONBodyEncoder.encode(await load())
        }
        return Self.response(bytes, cache: loaded ? "miss" : "hit")
    }

    /// Drops every cached answer that a write to session `sessionID` may change: its
    /// family's and every search's, on every replica.
    public func invalidate(sessionID: String) async {
        await invalidate(sessionIDs: [sessionID])
    }

    /// ``invalidate(sessionID:)`` for several sessions, invalidating searches once.
    public func invalidate(sessionIDs: some Sequence<String>) async {
        guard let cache else { return }
        for namespace in Set(sessionIDs.map(Self.sessionNamespace)) {
            await cache.invalidate(namespace: namespace)
        }
        await cache.invalidate(namespace: Self.searchNamespace)
    }

    /// Drops every cached answer on every replica: for a restore, which replaces all data.
    public func invalidateAll() async {
        await cache?.invalidateAll()
    }

    // MARK: - Keys

    /// A search answer, keyed by every query parameter (the cursor included).
    static func searchKey(_ uri: URI) -> CacheKey {
        CacheKey(namespace: searchNamespace, key: QueryFingerprint.exact(uri))
    }

    /// One answer about session `id` (`part` names which, e.g. `detail`).
    static func sessionKey(_ id: String, _ part: String) -> CacheKey {
        CacheKey(namespace: sessionNamespace(id), key: part + ":" + id)
    }

    /// The namespace a read route's answer lives in, so that its generation can be read
    /// ahead with the request's rate limits (a route missing here only costs a round trip).
    static func namespace(method: HTTPRequest.Method, route: String?, parameters: Parameters) -> String? {
        guard method == .get else { return nil }
        switch route {
        case "/api/sessions/search": return searchNamespace
        case "/api/sessions/{id}": return parameters.get("id").map(sessionNamespace)
        default: return nil
        }
    }

    /// A subagent session `<parent>:agent-<agent>` belongs to its parent's family: a write to
    /// either changes answers about both (a parent lists its subagents; deleting it deletes them).
    static func sessionNamespace(_ id: String) -> String {
        let family = id.range(of: ":agent-").map { String(id[..<$0.lowerBound]) } ?? id
        return "session:" + family
    }

    private static func response(_ bytes: [UInt8], cache outcome: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let outcome { headers[.cacheStatus] = outcome }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension HTTPField.Name {
    /// `hit` or `miss` on answers that went through the response cache.
    static let cacheStatus = HTTPField.Name("X-Cache")!
}
