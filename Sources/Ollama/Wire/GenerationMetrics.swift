/// The counts and timings Ollama reports on a finished answer (the non-streamed reply, or
/// the last streamed chunk). Ollama sends durations in nanoseconds; a field it omits is `nil`.
public struct GenerationMetrics: Sendable, Hashable, Decodable {
    /// Wall time of the whole request.
    public var totalDuration: Duration?
    /// Time spent loading the model, when it was not loaded yet.
    public var loadDuration: Duration?
    /// Prompt tokens evaluated. Lower than the tokens sent when Ollama truncated the prompt
    /// (or reused a cached prefix).
    public var promptEvalCount: Int?
    public var promptEvalDuration: Duration?
    /// Tokens generated.
    public var evalCount: Int?
    public var evalDuration: Duration?

    public init(
        totalDuration: Duration? = nil, loadDuration: Duration? = nil, promptEvalCount: Int? = nil,
        promptEvalDuration: Duration? = nil, evalCount: Int? = nil, evalDuration: Duration? = nil
    ) {
        self.totalDuration = totalDuration
        self.loadDuration = loadDuration
        self.promptEvalCount = promptEvalCount
        self.promptEvalDuration = promptEvalDuration
        self.evalCount = evalCount
        self.evalDuration = evalDuration
    }

    private enum CodingKeys: String, CodingKey {
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
        case promptEvalDuration = "prompt_eval_duration"
        case evalCount = "eval_count"
        case evalDuration = "eval_duration"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func nanoseconds(_ key: CodingKeys) throws -> Duration? {
            try container.decodeIfPresent(Int64.self, forKey: key).map { .nanoseconds($0) }
        }
        totalDuration = try nanoseconds(.totalDuration)
        loadDuration = try nanoseconds(.loadDuration)
        promptEvalCount = try container.decodeIfPresent(Int.self, forKey: .promptEvalCount)
        promptEvalDuration = try nanoseconds(.promptEvalDuration)
        evalCount = try container.decodeIfPresent(Int.self, forKey: .evalCount)
        evalDuration = try nanoseconds(.evalDuration)
    }
}
