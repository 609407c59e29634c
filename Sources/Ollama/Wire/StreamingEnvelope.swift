/// Adds Ollama's `stream` flag to a request body. Ollama streams unless told otherwise, so
/// the client always sends the flag explicitly.
struct StreamFlagged<Body: Encodable & Sendable>: Encodable, Sendable {
    let body: Body
    let stream: Bool

    private enum CodingKeys: String, CodingKey { case stream }

    func encode(to encoder: any Encoder) throws {
        try body.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stream, forKey: .stream)
    }
}

/// One NDJSON line of a streamed answer: a chunk, or the `{"error": ...}` line Ollama sends
/// (with HTTP 200) when something fails after the stream has begun.
enum StreamLine<Chunk: Decodable>: Decodable {
    case chunk(Chunk)
    case error(String)

    private enum CodingKeys: String, CodingKey { case error }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let message = try container.decodeIfPresent(String.self, forKey: .error) {
            self = .error(message)
        } else {
            self = .chunk(try Chunk(from: decoder))
        }
    }
}
