import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The process's Prometheus registry. swift-metrics can be bootstrapped once per process,
/// so every application in the process (tests start several) shares this one.
public enum MetricsRegistry {
    private static let state = NIOLockedValueBox<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics with the Prometheus factory on first call; later calls return
    /// the same registry.
    public static func shared() -> PrometheusCollectorRegistry {
        state.withLockedValue { registry in
            if let registry { return registry }
            let created = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: created)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
            ]
            MetricsSystem.bootstrap(factory)
            registry = created
            return created
        }
    }
}
