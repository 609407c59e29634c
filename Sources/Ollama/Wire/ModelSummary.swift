/// The answer of `/api/tags`.
struct ModelList: Sendable, Decodable {
    let models: [ModelSummary]
}

/// One installed model, as `/api/tags` lists it.
public struct ModelSummary: Sendable, Hashable, Decodable {
    /// The tag to use in requests, e.g. `llama3.2:3b`.
    public var name: String
    public var model: String
    /// Ollama's RFC 3339 timestamp, kept as sent.
    public var modifiedAt: String
    /// Bytes on disk.
    public var size: Int64
    public var digest: String
    public var details: ModelDetails

    private enum CodingKeys: String, CodingKey {
        case name, model, size, digest, details
        case modifiedAt = "modified_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        model = try container.decodeIfPresent(String.self, forKey: .model) ?? name
        modifiedAt = try container.decodeIfPresent(String.self, forKey: .modifiedAt) ?? ""
        size = try container.decodeIfPresent(Int64.self, forKey: .size) ?? 0
        digest = try container.decodeIfPresent(String.self, forKey: .digest) ?? ""
        details = try container.decodeIfPresent(ModelDetails.self, forKey: .details) ?? ModelDetails()
    }
}
