/// A request to `/api/generate`: one prompt, no chat history. Whether it streams is decided
/// by the client method used.
public struct GenerateRequest: Sendable, Hashable, Encodable {
    public var model: String
    public var prompt: String
    /// Replaces the model's default system prompt.
    public var system: String?
    public var format: ResponseFormat?
    public var options: ModelOptions?
    /// `false` makes Ollama reject an over-long prompt instead of silently truncating it.
    public var truncate: Bool?
    public var keepAlive: KeepAlive?
    /// `false` turns reasoning off on thinking models.
    public var think: Bool?
    /// `true` sends the prompt without the model's template.
    public var raw: Bool?

    public init(
        model: String, prompt: String, system: String? = nil, format: ResponseFormat? = nil,
        options: ModelOptions? = nil, truncate: Bool? = nil, keepAlive: KeepAlive? = nil, think: Bool? = nil,
        raw: Bool? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.system = system
        self.format = format
        self.options = options
        self.truncate = truncate
        self.keepAlive = keepAlive
        self.think = think
        self.raw = raw
    }

    private enum CodingKeys: String, CodingKey {
        case model, prompt, system, format, options, truncate, think, raw
        case keepAlive = "keep_alive"
    }
}
