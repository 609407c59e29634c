/// An answer from `/api/chat`: the whole reply when not streaming, or one chunk of a
/// stream. Only the last chunk (`done == true`) carries `doneReason` and `metrics`.
public struct ChatResponse: Sendable, Hashable, Decodable, GenerationOutcome {
    public var model: String
    /// Ollama's RFC 3339 timestamp, kept as sent (it has nanosecond precision).
    public var createdAt: String
    public var message: ChatMessage
    public var done: Bool
    /// Why generation stopped: `"stop"`, `"length"` (cut by `num_predict`), `"load"`, ...
    public var doneReason: String?
    public var metrics: GenerationMetrics

    /// The reply text (of this chunk, when streaming).
    public var content: String { message.content }

    private enum CodingKeys: String, CodingKey {
        case model, message, done
        case createdAt = "created_at"
        case doneReason = "done_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
        message = try container.decode(ChatMessage.self, forKey: .message)
        done = try container.decode(Bool.self, forKey: .done)
        doneReason = try container.decodeIfPresent(String.self, forKey: .doneReason)
        metrics = try GenerationMetrics(from: decoder)
    }
}
