/// Ollama's `format`: constrains the output to JSON, optionally to a JSON Schema.
///
/// Small models still produce invalid JSON now and then despite the constraint; callers
/// should validate what comes back.
public enum ResponseFormat: Sendable, Hashable, Encodable {
    /// Any JSON value: sent as `"format": "json"`.
    case json
    /// JSON matching this schema: sent as the schema object itself.
    case schema(JSONValue)

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .json:
            var container = encoder.singleValueContainer()
            try container.encode("json")
        case .schema(let schema):
            try schema.encode(to: encoder)
        }
    }
}
