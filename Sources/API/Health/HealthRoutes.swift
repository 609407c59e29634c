import Foundation
import Hummingbird
import Storage

/// `/health`, `/ready` and `/live`: answered without an API key.
///
/// - `/health`: each component's latest probe and an overall status. `healthy` and
///   `degraded` (an optional component such as Redis or Ollama is down) answer 200;
///   `unhealthy` (the database is down) answers 503.
/// - `/ready`: 200 when the database answers and every migration on disk is applied, else 503.
/// - `/live`: 200 while the process serves requests.
struct HealthRoutes {
    let monitor: HealthMonitor
    let storage: any Storage
    let startedAt: ContinuousClock.Instant
    let version: String

    func register(on router: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.get, "/health")
        router.get("/health") { _, _ in try await health() }
        routes.add(.get, "/ready")
        router.get("/ready") { _, _ in try await ready() }
        routes.add(.get, "/live")
        router.get("/live") { _, _ in JSONResponse(LiveBody(status: "alive")) }
    }

    private func health() async throws -> JSONResponse<HealthBody> {
        let (overall, components) = await monitor.snapshot()
        let uptime = ContinuousClock.now - startedAt
        let body = HealthBody(status: overall, version: version, backend: storage.backend.rawValue,
                              uptimeSeconds: uptime.components.seconds, components: components)
        return JSONResponse(body, status: overall == .unhealthy ? .serviceUnavailable : .ok)
    }

    private func ready() async throws -> JSONResponse<ReadyBody> {
        do {
            let status = try await storage.migrationStatus()
            if status.isCurrent {
                return JSONResponse(ReadyBody(ready: true, schemaVersion: status.schemaVersion, reason: nil))
            }
            let reason = status.changed.isEmpty
                ? "pending migrations: " + status.pending.map(\.fileName).joined(separator: ", ")
                : "applied migrations changed on disk: " + status.changed.map(\.fileName).joined(separator: ", ")
            return JSONResponse(ReadyBody(ready: false, schemaVersion: status.schemaVersion, reason: reason),
                                status: .serviceUnavailable)
        } catch {
            return JSONResponse(ReadyBody(ready: false, schemaVersion: nil, reason: "database unavailable"),
                                status: .serviceUnavailable)
        }
    }
}

struct HealthBody: Encodable {
    let status: HealthMonitor.Overall
    let version: String
    let backend: String
    let uptimeSeconds: Int64
    let components: [String: ComponentHealth]

    enum CodingKeys: String, CodingKey {
        case status, version, backend, components
        case uptimeSeconds = "uptime_seconds"
    }
}

struct ReadyBody: Encodable {
    let ready: Bool
    let schemaVersion: Int?
    let reason: String?

    enum CodingKeys: String, CodingKey {
        case ready, reason
        case schemaVersion = "schema_version"
    }
}

struct LiveBody: Encodable {
    let status: String
}
