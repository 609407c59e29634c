import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Probes every component every `interval` in the background and keeps the latest results,
/// so `/health` answers from memory and never waits on a slow dependency.
public actor HealthMonitor: Service {
    public enum Overall: String, Sendable, Codable {
        case healthy, degraded, unhealthy
    }

    private let checks: [HealthCheck]
    private let interval: Duration
    private let probeTimeout: Duration
    private var latest: [String: ComponentHealth] = [:]

    public init(checks: [HealthCheck], interval: Duration, probeTimeout: Duration = .seconds(2)) {
        self.checks = checks
        self.interval = interval
        self.probeTimeout = probeTimeout
    }

    /// The latest result of each component (probing first if never probed).
    public func snapshot() async -> (overall: Overall, components: [String: ComponentHealth]) {
        if latest.count < checks.count { await refresh() }
        var overall = Overall.healthy
        for check in checks {
            guard let health = latest[check.name], health.status == .down else { continue }
            if check.critical { return (.unhealthy, latest) }
            overall = .degraded
        }
        return (overall, latest)
    }

    /// Probes every component now, all at once, each bounded by the probe timeout.
    public func refresh() async {
        let timeout = probeTimeout
        let results = await withTaskGroup(of: (String, ComponentHealth).self) { group in
            for check in checks {
                group.addTask {
                    let started = ContinuousClock.now
                    var health = await Self.bounded(check.probe, timeout: timeout)
                    let elapsed = ContinuousClock.now - started
                    health.latencyMilliseconds = health.latencyMilliseconds
                        ?? (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    health.checkedAt = Timestamp.format(Date())
                    return (check.name, health)
                }
            }
            var results: [(String, ComponentHealth)] = []
            for await result in group { results.append(result) }
            return results
        }
        for (name, health) in results { latest[name] = health }
    }

    /// Probes until shutdown begins; the sleep between probes is cut short by it.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.refresh()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    private static func bounded(
        _ probe: @escaping @Sendable () async -> ComponentHealth, timeout: Duration
    ) async -> ComponentHealth {
        await withTaskGroup(of: ComponentHealth?.self) { group in
            group.addTask { await probe() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            if let first = await group.next(), let health = first { return health }
            return ComponentHealth(status: .down, detail: "no answer within \(timeout)")
        }
    }
}
