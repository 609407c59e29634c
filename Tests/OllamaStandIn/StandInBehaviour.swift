/// How the stand-in answers, beyond Ollama's normal formats: failures, slowness and the
/// reply text. Change it while the server runs with ``OllamaStandIn/updateBehaviour(_:)``.
public struct StandInBehaviour: Sendable {
    /// What `/api/version` reports.
    public var version: String
    /// Wait before answering any request, to make clients time out.
    public var delay: Duration
    /// Wait between streamed chunks.
    public var chunkDelay: Duration
    /// The next this-many requests (all endpoints but `/api/version`) fail with
    /// `failureStatus` and `failureMessage`; each failed request uses one up.
    public var failNextRequests: Int
    public var failureStatus: Int
    public var failureMessage: String
    /// When set, a streamed chat or generate sends this many chunks, then an
    /// `{"error": ...}` line with `streamErrorMessage`, still under HTTP 200, and ends.
    /// A non-streamed one answers 500 with that message.
    public var streamErrorAfterChunks: Int?
    public var streamErrorMessage: String
    /// Context size when neither the request nor the model's Modelfile sets `num_ctx`.
    public var defaultNumCtx: Int
    /// Models that `/api/pull` can fetch; pulling one installs it.
    public var pullable: [StandInModel]
    /// Counts a prompt message's tokens (for `num_ctx`, truncation and `prompt_eval_count`).
    /// Words by default; a test can give the tokenizer of the model it stands in for.
    public var countPromptTokens: @Sendable (String) -> Int
    /// `false` acts like an Ollama from before `truncate` existed: an over-long prompt is cut
    /// silently even when the request says `"truncate": false`.
    public var honoursTruncate: Bool
    /// Produces the reply text of chat and generate requests. Tokens are whitespace-separated
    /// words: the reply is streamed a word per chunk and cut at `num_predict` words.
    public var reply: @Sendable (StandInPrompt) -> String

    public init(
        version: String = "0.12.6",
        delay: Duration = .zero,
        chunkDelay: Duration = .zero,
        failNextRequests: Int = 0,
        failureStatus: Int = 500,
        failureMessage: String = "llama runner process has terminated: exit status 2",
        streamErrorAfterChunks: Int? = nil,
        streamErrorMessage: String = "an error was encountered while running the model: unexpected EOF",
        defaultNumCtx: Int = 4096,
        pullable: [StandInModel] = [],
        countPromptTokens: @escaping @Sendable (String) -> Int = StandInTokens.count,
        honoursTruncate: Bool = true,
        reply: @escaping @Sendable (StandInPrompt) -> String = StandInBehaviour.defaultReply
    ) {
        self.version = version
        self.delay = delay
        self.chunkDelay = chunkDelay
        self.failNextRequests = failNextRequests
        self.failureStatus = failureStatus
        self.failureMessage = failureMessage
        self.streamErrorAfterChunks = streamErrorAfterChunks
        self.streamErrorMessage = streamErrorMessage
        self.defaultNumCtx = defaultNumCtx
        self.pullable = pullable
        self.countPromptTokens = countPromptTokens
        self.honoursTruncate = honoursTruncate
        self.reply = reply
    }

    /// `{}` when JSON was requested, otherwise a sentence naming the model and counting the
    /// prompt's words.
    public static let defaultReply: @Sendable (StandInPrompt) -> String = { prompt in
        if prompt.format != nil { return "{}" }
        return "Stand-in \(prompt.model) read \(prompt.promptTokens) words."
    }
}
