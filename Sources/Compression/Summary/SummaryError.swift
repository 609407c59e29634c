import Ollama

/// Why a summary could not be made. Each case has a stable ``code`` for API clients.
public enum SummaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Ollama could not be reached, timed out, failed on its side, or the circuit is open.
    case ollamaUnavailable(String)
    /// The model is not installed in Ollama (its 404).
    case modelNotInstalled(String)
    /// Ollama evaluated fewer prompt tokens than were sent, or refused a prompt longer
    /// than the context: a summary of a cut prompt would silently miss part of the session.
    case promptTruncated(sent: Int, evaluated: Int?, numCtx: Int)
    /// The reply did not match the schema, twice.
    case invalidReply([String])
    /// The reply was cut at `num_predict`, twice.
    case replyTruncated(generated: Int)
    /// The model's context is too small to hold the instructions and any transcript.
    case contextTooSmall(Int)
    /// Ollama answered in a way this service cannot use.
    case ollamaFailed(String)
    /// The conversation has no text to summarise (only tool traffic or bookkeeping).
    case nothingToSummarize

    public var code: String {
        switch self {
        case .ollamaUnavailable: return "ollama_unavailable"
        case .modelNotInstalled: return "model_not_installed"
        case .promptTruncated: return "prompt_truncated"
        case .invalidReply: return "invalid_summary"
        case .replyTruncated: return "summary_truncated"
        case .contextTooSmall: return "context_too_small"
        case .ollamaFailed: return "ollama_failed"
        case .nothingToSummarize: return "nothing_to_compress"
        }
    }

    /// Whether Ollama itself was missing (as opposed to answering badly).
    public var isUnavailability: Bool {
        switch self {
        case .ollamaUnavailable, .modelNotInstalled: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .ollamaUnavailable(let reason): return "Ollama is unavailable: \(reason)"
        case .modelNotInstalled(let model): return "model \(model) is not installed in Ollama"
        case .promptTruncated(let sent, let evaluated, let numCtx):
            let seen = evaluated.map { "evaluated \($0) of about \(sent) prompt tokens" } ?? "refused a prompt of about \(sent) tokens"
            return "Ollama \(seen) (num_ctx \(numCtx)): the prompt was cut, so no summary is given rather than one of part of the session"
        case .invalidReply(let problems):
            return "the model's reply did not match the summary schema after one retry: " + problems.prefix(3).joined(separator: "; ")
        case .replyTruncated(let generated):
            return "the model's reply was cut at num_predict after \(generated) tokens, after one retry"
        case .contextTooSmall(let numCtx): return "the model's context of \(numCtx) tokens is too small for a summary"
        case .ollamaFailed(let reason): return "Ollama failed: \(reason)"
        case .nothingToSummarize: return "the session has no conversation text to summarise"
        }
    }

    /// The summary error for an Ollama client error.
    public static func from(_ error: OllamaError, model: String) -> SummaryError {
        switch error {
        case .modelNotFound: return .modelNotInstalled(model)
        case .unreachable, .timeout, .transport, .circuitOpen, .cancelled: return .ollamaUnavailable(error.description)
        case .http(let status, _) where status >= 500: return .ollamaUnavailable(error.description)
        case .http(404, _): return .modelNotInstalled(model)
        default: return .ollamaFailed(error.description)
        }
    }
}
