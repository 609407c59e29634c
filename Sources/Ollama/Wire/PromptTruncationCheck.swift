/// Decides whether Ollama evaluated fewer prompt tokens than were sent.
///
/// Ollama cuts a prompt longer than `num_ctx` without an error (unless the request says
/// `truncate: false`); the only trace is a `prompt_eval_count` smaller than the prompt.
/// Callers usually estimate their token count rather than run the model's tokenizer, so the
/// comparison allows a relative `tolerance`. Ollama may also report fewer tokens when it
/// reuses a cached prompt prefix from the previous request to the same model; the tolerance
/// absorbs a short shared system prompt, not a long one.
public struct PromptTruncationCheck: Sendable {
    /// Estimates from characters are rarely off by more than a fifth.
    public static let defaultTolerance = 0.2

    /// Fraction of the sent count that may go missing before it counts as truncation.
    public var tolerance: Double

    public init(tolerance: Double = PromptTruncationCheck.defaultTolerance) {
        self.tolerance = max(0, min(tolerance, 1))
    }

    /// `nil` when the prompt looks whole (or Ollama reported no count), otherwise
    /// ``OllamaError/promptTruncated(sent:evaluated:)``.
    ///
    /// With `numCtx`, a prompt sent larger than the context and evaluated at (nearly) the
    /// context's size is truncated whatever the tolerance: that is what Ollama's cut looks like.
    public func verdict(sent: Int, evaluated: Int?, numCtx: Int? = nil) -> OllamaError? {
        guard let evaluated, sent > 0 else { return nil }
        if let numCtx, sent > numCtx, evaluated <= numCtx, evaluated >= numCtx - numCtx / 10 {
            return .promptTruncated(sent: sent, evaluated: evaluated)
        }
        let floor = Double(sent) * (1 - tolerance)
        return Double(evaluated) < floor ? .promptTruncated(sent: sent, evaluated: evaluated) : nil
    }
}
