/// Why an Ollama call failed. Every public client method throws only this type.
public enum OllamaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection could be made (refused, unknown host, connect timeout).
    case unreachable(String)
    /// Connected, but no complete answer arrived within the request timeout (for streams:
    /// no bytes for that long).
    case timeout
    /// The connection failed after it was made (reset, closed early, malformed HTTP).
    case transport(String)
    /// Ollama answered with an error status and the message of its `{"error": ...}` body.
    case http(status: Int, message: String)
    /// HTTP 404 whose message says the model is not installed.
    case modelNotFound(String)
    /// An `{"error": ...}` line arrived in the middle of a stream that had begun with HTTP 200.
    case streamError(String)
    /// The answer could not be read as Ollama's format.
    case invalidResponse(String)
    /// The request could not be encoded (a non-finite number in the options, say).
    case invalidRequest(String)
    /// The circuit breaker is open after repeated failures: the call was not attempted.
    /// `retryAfter` is the time left until a trial call is allowed.
    case circuitOpen(retryAfter: Duration)
    /// Generation stopped at `num_predict` (`done_reason: "length"`), after `generated` tokens.
    case outputTruncated(generated: Int)
    /// Ollama evaluated fewer prompt tokens than were sent: it silently cut the prompt.
    case promptTruncated(sent: Int, evaluated: Int)
    /// The calling task was cancelled, or the client shut down, before the answer arrived.
    case cancelled

    /// Whether a retry can help: the server was unreachable, slow, or failed on its side.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .timeout, .transport: return true
        case .http(let status, _): return status >= 500
        default: return false
        }
    }

    /// Whether the failure says Ollama itself is unhealthy, which the circuit breaker counts.
    /// A 4xx or an error inside a stream means Ollama answered, so those do not count.
    var countsAgainstCircuit: Bool { isTransient }

    public var description: String {
        switch self {
        case .unreachable(let reason): return "Ollama is unreachable: \(reason)"
        case .timeout: return "Ollama did not answer in time"
        case .transport(let reason): return "the connection to Ollama failed: \(reason)"
        case .http(let status, let message): return "Ollama answered \(status): \(message)"
        case .modelNotFound(let model): return "model \(model) is not installed in Ollama"
        case .streamError(let message): return "Ollama failed mid-stream: \(message)"
        case .invalidResponse(let reason): return "Ollama's answer could not be read: \(reason)"
        case .invalidRequest(let reason): return "the request to Ollama could not be encoded: \(reason)"
        case .circuitOpen(let retryAfter): return "Ollama calls are paused after repeated failures (retry in \(retryAfter))"
        case .outputTruncated(let generated): return "the answer was cut at num_predict after \(generated) tokens"
        case .promptTruncated(let sent, let evaluated):
            return "Ollama evaluated \(evaluated) of \(sent) prompt tokens: the prompt was truncated"
        case .cancelled: return "the Ollama call was cancelled"
        }
    }
}
