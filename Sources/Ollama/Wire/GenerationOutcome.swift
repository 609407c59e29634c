/// What chat and generate answers share: how they ended and what they counted. The
/// extension turns Ollama's quiet signals of cut input or output into checks.
public protocol GenerationOutcome: Sendable {
    var done: Bool { get }
    var doneReason: String? { get }
    var metrics: GenerationMetrics { get }
}

extension GenerationOutcome {
    /// `true` when the output was cut because it reached `num_predict` (`done_reason: "length"`).
    /// A truncated answer is incomplete: a JSON reply in particular will not parse.
    public var truncated: Bool { doneReason == "length" }

    /// Throws ``OllamaError/outputTruncated(generated:)`` when ``truncated`` is `true`.
    public func requireComplete() throws(OllamaError) {
        if truncated { throw .outputTruncated(generated: metrics.evalCount ?? 0) }
    }

    /// Detects a prompt Ollama silently shortened, by comparing `prompt_eval_count` with the
    /// tokens the caller believes it sent. See ``PromptTruncationCheck`` for the rule.
    ///
    /// - Throws: ``OllamaError/promptTruncated(sent:evaluated:)`` when the prompt was cut.
    public func checkPrompt(sentTokens: Int, numCtx: Int? = nil, tolerance: Double = PromptTruncationCheck.defaultTolerance)
        throws(OllamaError)
    {
        let check = PromptTruncationCheck(tolerance: tolerance)
        if let error = check.verdict(sent: sentTokens, evaluated: metrics.promptEvalCount, numCtx: numCtx) {
            throw error
        }
    }
}
