import Hummingbird
import Prometheus
import Storage

/// `GET /metrics` in Prometheus text format.
struct MetricsRoute {
    let registry: PrometheusCollectorRegistry
    let storage: any Storage
    let version: String

    func register(on router: RouterGroup<AppRequestContext>, routes: RouteTable) {
        registry.makeGauge(name: "claude_code_build_info", labels: [("version", version), ("backend", storage.backend.rawValue)]).set(Double(1))
        routes.add(.get, "/metrics")
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
