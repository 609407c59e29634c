/// The body of `/api/embed`. Input is always sent as an array so the answer has one
/// vector per input, in order.
struct EmbedRequest: Sendable, Encodable {
    let model: String
    let input: [String]
    let truncate: Bool?
    let keepAlive: KeepAlive?
    let dimensions: Int?

    private enum CodingKeys: String, CodingKey {
        case model, input, truncate, dimensions
        case keepAlive = "keep_alive"
    }
}

/// The answer of `/api/embed`.
public struct EmbedResponse: Sendable, Hashable, Decodable {
    public var model: String
    /// One vector per input, in input order. Ollama normalises them to unit length.
    public var embeddings: [[Double]]
    public var totalDuration: Duration?
    public var loadDuration: Duration?
    public var promptEvalCount: Int?

    private enum CodingKeys: String, CodingKey {
        case model, embeddings
        case totalDuration = "total_duration"
        case loadDuration = "load_duration"
        case promptEvalCount = "prompt_eval_count"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        embeddings = try container.decode([[Double]].self, forKey: .embeddings)
        totalDuration = try container.decodeIfPresent(Int64.self, forKey: .totalDuration).map { .nanoseconds($0) }
        loadDuration = try container.decodeIfPresent(Int64.self, forKey: .loadDuration).map { .nanoseconds($0) }
        promptEvalCount = try container.decodeIfPresent(Int.self, forKey: .promptEvalCount)
    }
}
