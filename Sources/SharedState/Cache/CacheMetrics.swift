import Metrics

/// The counters and gauges of one cache tier (`tier="memory"` or `tier="redis"`).
struct CacheMetrics: Sendable {
    let hits: Counter
    let misses: Counter
    let evictions: Counter
    let errors: Counter
    let bytes: Gauge
    let entries: Gauge

    init(tier: String, factory: any MetricsFactory) {
        let dimensions = [("tier", tier)]
        hits = Counter(label: "claude_code_cache_hits_total", dimensions: dimensions, factory: factory)
        misses = Counter(label: "claude_code_cache_misses_total", dimensions: dimensions, factory: factory)
        evictions = Counter(label: "claude_code_cache_evictions_total", dimensions: dimensions, factory: factory)
        errors = Counter(label: "claude_code_cache_errors_total", dimensions: dimensions, factory: factory)
        bytes = Gauge(label: "claude_code_cache_bytes", dimensions: dimensions, factory: factory)
        entries = Gauge(label: "claude_code_cache_entries", dimensions: dimensions, factory: factory)
    }

    func record(hit: Bool) {
        (hit ? hits : misses).increment()
    }
}
