import NIOConcurrencyHelpers

/// Monotonic time for limiters, caches and back-off, measured from an arbitrary origin.
///
/// Implementations never go backwards. Tests inject ``ManualTimeSource`` to move time by hand.
public protocol TimeSource: Sendable {
    /// Time elapsed since this source's origin.
    func now() -> Duration
}

/// The process's monotonic clock.
public struct SystemTimeSource: TimeSource {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration {
        ContinuousClock.now - origin
    }
}

/// A clock that moves only when told to, for deterministic tests.
public final class ManualTimeSource: TimeSource {
    private let current: NIOLockedValueBox<Duration>

    public init(start: Duration = .seconds(1_000)) {
        current = NIOLockedValueBox(start)
    }

    public func now() -> Duration {
        current.withLockedValue { $0 }
    }

    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "time never goes backwards")
        current.withLockedValue { $0 += duration }
    }
}

extension Duration {
    /// Whole microseconds, rounded toward zero.
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
