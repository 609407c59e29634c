/// Latency samples of one measured operation, and their percentiles.
struct Latencies {
    private(set) var samples: [Duration] = []

    mutating func record(_ operation: () async throws -> Void) async rethrows {
        let start = ContinuousClock.now
        try await operation()
        samples.append(ContinuousClock.now - start)
    }

    /// The nearest-rank percentile, in milliseconds.
    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        let (seconds, attoseconds) = sorted[rank].components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
