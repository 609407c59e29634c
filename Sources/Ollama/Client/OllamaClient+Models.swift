/// `/api/tags`, `/api/show` and `/api/pull`: which models exist and what they can do.
extension OllamaClient {
    /// The installed models. Retried on transient failures.
    public func tags(timeout: Duration? = nil) async throws(OllamaError) -> [ModelSummary] {
        try await get("/api/tags", as: ModelList.self, timeout: timeout).models
    }

    /// The names of the installed models, e.g. `["llama3.2:3b"]`.
    public func installedModels(timeout: Duration? = nil) async throws(OllamaError) -> [String] {
        try await tags(timeout: timeout).map(\.name)
    }

    /// A model's context length, capabilities and parameters.
    ///
    /// - Throws: ``OllamaError/modelNotFound(_:)`` when it is not installed.
    public func show(model: String) async throws(OllamaError) -> ModelDescription {
        try await post("/api/show", ShowRequest(model: model), model: model, as: ModelDescription.self)
    }

    /// Downloads a model, streaming Ollama's progress lines until `success`. A model that
    /// does not exist in the registry ends the stream with ``OllamaError/streamError(_:)``.
    /// Not retried.
    public func pull(model: String) -> AsyncThrowingStream<PullProgress, any Error> {
        stream("/api/pull", PullRequest(model: model), model: model, isFinal: \.isSuccess)
    }
}

private struct ShowRequest: Encodable, Sendable {
    let model: String
}

private struct PullRequest: Encodable, Sendable {
    let model: String
}
