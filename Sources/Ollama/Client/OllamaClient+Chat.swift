/// `/api/chat` and `/api/generate`.
extension OllamaClient {
    /// Sends a chat without streaming and returns the whole reply.
    ///
    /// The reply may be incomplete without an error: check ``GenerationOutcome/truncated``
    /// (output cut at `num_predict`) and ``GenerationOutcome/checkPrompt(sentTokens:numCtx:tolerance:)``
    /// (prompt cut to the context), or send `truncate: false` to make Ollama refuse an
    /// over-long prompt. Retried on transient failures.
    ///
    /// - Throws: ``OllamaError/modelNotFound(_:)`` when the model is not installed,
    ///   ``OllamaError/http(status:message:)`` for other rejections, and the transport errors.
    public func chat(_ request: ChatRequest) async throws(OllamaError) -> ChatResponse {
        try await post("/api/chat", StreamFlagged(body: request, stream: false), model: request.model, as: ChatResponse.self)
    }

    /// Sends a chat and streams the reply: chunks in order, the last with `done == true`,
    /// `doneReason` and metrics. The stream throws ``OllamaError`` (``OllamaError/streamError(_:)``
    /// when Ollama reports a failure mid-stream). Not retried.
    public func chatStream(_ request: ChatRequest) -> AsyncThrowingStream<ChatResponse, any Error> {
        stream("/api/chat", request, model: request.model, isFinal: \.done)
    }

    /// Generates from one prompt without streaming; see ``chat(_:)`` for the checks that apply.
    public func generate(_ request: GenerateRequest) async throws(OllamaError) -> GenerateResponse {
        try await post(
            "/api/generate", StreamFlagged(body: request, stream: false), model: request.model, as: GenerateResponse.self)
    }

    /// Generates from one prompt and streams the text; see ``chatStream(_:)``.
    public func generateStream(_ request: GenerateRequest) -> AsyncThrowingStream<GenerateResponse, any Error> {
        stream("/api/generate", request, model: request.model, isFinal: \.done)
    }
}
