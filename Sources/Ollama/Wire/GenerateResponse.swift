/// An answer from `/api/generate`: the whole reply when not streaming, or one chunk of a
/// stream. Only the last chunk (`done == true`) carries `doneReason` and `metrics`.
public struct GenerateResponse: Sendable, Hashable, Decodable, GenerationOutcome {
    public var model: String
    /// Ollama's RFC 3339 timestamp, kept as sent.
    public var createdAt: String
    /// The generated text (of this chunk, when streaming).
    public var response: String
    /// Reasoning text, when thinking was requested of a thinking model.
    public var thinking: String?
    public var done: Bool
    public var doneReason: String?
    public var metrics: GenerationMetrics

    private enum CodingKeys: String, CodingKey {
        case model, response, thinking, done
        case createdAt = "created_at"
        case doneReason = "done_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
        response = try container.decodeIfPresent(String.self, forKey: .response) ?? ""
        thinking = try container.decodeIfPresent(String.self, forKey: .thinking)
        done = try container.decode(Bool.self, forKey: .done)
        doneReason = try container.decodeIfPresent(String.self, forKey: .doneReason)
        metrics = try GenerationMetrics(from: decoder)
    }
}
