/// The circuit breaker's state, as `/health` reports it.
public enum CircuitState: String, Sendable, Hashable, CustomStringConvertible {
    /// Calls go through.
    case closed
    /// Calls fail fast with ``OllamaError/circuitOpen(retryAfter:)`` until the cool-down ends.
    case open
    /// The cool-down is over: the next call is a trial whose outcome closes or reopens it.
    case halfOpen = "half_open"

    public var description: String { rawValue }
}
