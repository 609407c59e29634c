import Transcript

/// How a ``Summarizer`` sizes and counts its prompts.
public struct SummaryOptions: Sendable {
    /// The Ollama model, e.g. `llama3.2:3b`.
    public var model: String
    /// The largest `num_ctx` asked for, whatever the model was trained for: a larger
    /// context costs Ollama memory and time on every request.
    public var maxNumCtx: Int
    /// Counts a text's tokens as the model would, as near as it can be known without the
    /// model's tokenizer (Ollama offers none over its API).
    public var countTokens: @Sendable (String) -> Int

    public init(model: String, maxNumCtx: Int = 8192, countTokens: @escaping @Sendable (String) -> Int = TokenEstimator.estimate) {
        self.model = model
        self.maxNumCtx = maxNumCtx
        self.countTokens = countTokens
    }

    /// Assumed when `/api/show` reports no context length: Ollama's own default.
    static let fallbackContext = 2048
    /// Below this many tokens of transcript per prompt, summaries are not worth making.
    static let minimumPromptBudget = 128
}

/// How far a summary has got: parts summarised (and the final merge, when there is one).
public struct SummaryProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}
