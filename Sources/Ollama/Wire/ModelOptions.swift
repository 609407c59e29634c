/// Model options sent as `options`. Only the fields set are sent; the rest keep the
/// model's defaults.
public struct ModelOptions: Sendable, Hashable, Encodable {
    /// Context window in tokens. Ollama silently cuts a longer prompt to this size unless
    /// the request says `truncate: false`.
    public var numCtx: Int?
    /// Most tokens to generate; reaching it ends the answer with `done_reason: "length"`.
    public var numPredict: Int?
    public var temperature: Double?
    /// A fixed seed makes sampling repeatable.
    public var seed: Int?
    public var topK: Int?
    public var topP: Double?
    /// Sequences that end generation.
    public var stop: [String]?

    public init(
        numCtx: Int? = nil, numPredict: Int? = nil, temperature: Double? = nil, seed: Int? = nil,
        topK: Int? = nil, topP: Double? = nil, stop: [String]? = nil
    ) {
        self.numCtx = numCtx
        self.numPredict = numPredict
        self.temperature = temperature
        self.seed = seed
        self.topK = topK
        self.topP = topP
        self.stop = stop
    }

    private enum CodingKeys: String, CodingKey {
        case numCtx = "num_ctx"
        case numPredict = "num_predict"
        case temperature, seed
        case topK = "top_k"
        case topP = "top_p"
        case stop
    }
}
