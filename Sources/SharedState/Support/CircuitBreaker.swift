import Logging
import Metrics
import NIOConcurrencyHelpers

/// Decides whether to try Redis or go straight to the local fallback.
///
/// After a failure Redis is skipped for `retryAfter`, so a dead Redis does not cost a
/// timeout per request. Then exactly one caller probes it while the others keep using
/// the fallback; the probe's success closes the breaker, its failure starts a new back-off.
final class CircuitBreaker: Sendable {
    private enum Phase {
        case closed
        case open(until: Duration)
        case probing
    }

    private let retryAfter: Duration
    private let timeSource: any TimeSource
    private let phase = NIOLockedValueBox(Phase.closed)
    private let degradedGauge: Gauge
    private let logger: Logger
    private let component: String

    init(component: String, retryAfter: Duration, timeSource: any TimeSource, logger: Logger,
         metricsFactory: any MetricsFactory) {
        self.component = component
        self.retryAfter = retryAfter
        self.timeSource = timeSource
        self.logger = logger
        self.degradedGauge = Gauge(label: "claude_code_redis_degraded", dimensions: [("component", component)],
                                   factory: metricsFactory)
        degradedGauge.record(0)
    }

    /// True while Redis is considered down (backing off or being probed).
    var isOpen: Bool {
        phase.withLockedValue { if case .closed = $0 { false } else { true } }
    }

    /// Whether this caller should try Redis now. A `true` must be followed by
    /// ``recordSuccess()`` or ``recordFailure(_:)``.
    func shouldTry() -> Bool {
        let now = timeSource.now()
        return phase.withLockedValue { phase in
            switch phase {
            case .closed:
                return true
            case .open(let until) where now >= until:
                phase = .probing
                return true
            case .open, .probing:
                return false
            }
        }
    }

    func recordSuccess() {
        let recovered = phase.withLockedValue { phase in
            if case .closed = phase { return false }
            phase = .closed
            return true
        }
        if recovered {
            degradedGauge.record(0)
            logger.notice("Redis reachable again; leaving local fallback", metadata: ["component": "\(component)"])
        }
    }

    func recordFailure(_ error: any Error) {
        let until = timeSource.now() + retryAfter
        let opened = phase.withLockedValue { phase in
            defer { phase = .open(until: until) }
            if case .closed = phase { return true }
            return false
        }
        if opened {
            degradedGauge.record(1)
            logger.warning("Redis failed; using local fallback", metadata: [
                "component": "\(component)", "error": "\(error)", "retry_after_ms": "\(retryAfter.microseconds / 1000)",
            ])
        }
    }

    /// The caller gave up (was cancelled) without learning anything about Redis: a probe
    /// in flight is released so that the next caller probes instead.
    func recordAbandoned() {
        let now = timeSource.now()
        phase.withLockedValue { phase in
            if case .probing = phase { phase = .open(until: now) }
        }
    }
}
