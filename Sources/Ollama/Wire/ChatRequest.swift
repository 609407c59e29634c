/// A request to `/api/chat`. Whether it streams is decided by the client method used
/// (`chat` or `chatStream`), not by this value.
public struct ChatRequest: Sendable, Hashable, Encodable {
    public var model: String
    public var messages: [ChatMessage]
    /// Constrain the answer to JSON or to a JSON Schema.
    public var format: ResponseFormat?
    public var options: ModelOptions?
    /// `false` makes Ollama reject a prompt longer than the context (HTTP 400) instead of
    /// silently dropping part of it. `nil` leaves Ollama's default, which truncates.
    public var truncate: Bool?
    public var keepAlive: KeepAlive?
    /// `false` turns reasoning off on thinking models; `nil` leaves the model's default.
    public var think: Bool?

    public init(
        model: String, messages: [ChatMessage], format: ResponseFormat? = nil, options: ModelOptions? = nil,
        truncate: Bool? = nil, keepAlive: KeepAlive? = nil, think: Bool? = nil
    ) {
        self.model = model
        self.messages = messages
        self.format = format
        self.options = options
        self.truncate = truncate
        self.keepAlive = keepAlive
        self.think = think
    }

    private enum CodingKeys: String, CodingKey {
        case model, messages, format, options, truncate, think
        case keepAlive = "keep_alive"
    }
}
