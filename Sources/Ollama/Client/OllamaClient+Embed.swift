/// `/api/embed`.
extension OllamaClient {
    /// Embeds each input text and returns one vector per input, in order.
    ///
    /// - Parameters:
    ///   - truncate: `false` makes Ollama reject an input longer than the model's context
    ///     instead of embedding only its start.
    ///   - dimensions: asks models that support it for shorter vectors.
    /// - Throws: ``OllamaError/invalidResponse(_:)`` when the number of vectors differs from
    ///   the number of inputs, besides the errors of ``chat(_:)``.
    public func embed(
        model: String, input: [String], truncate: Bool? = nil, keepAlive: KeepAlive? = nil, dimensions: Int? = nil
    ) async throws(OllamaError) -> [[Double]] {
        guard !input.isEmpty else { return [] }
        let body = EmbedRequest(model: model, input: input, truncate: truncate, keepAlive: keepAlive, dimensions: dimensions)
        let response = try await post("/api/embed", body, model: model, as: EmbedResponse.self)
        guard response.embeddings.count == input.count else {
            throw .invalidResponse("/api/embed returned \(response.embeddings.count) vectors for \(input.count) inputs")
        }
        return response.embeddings
    }
}
