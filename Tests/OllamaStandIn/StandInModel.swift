/// A model the stand-in has installed (or can pull), described the way Ollama describes it.
public struct StandInModel: Sendable, Hashable {
    /// The tag used in requests, e.g. `llama3.2:3b`.
    public var name: String
    /// Architecture, used for `model_info` keys (`llama.context_length`).
    public var family: String
    /// Context length the model was trained for, reported by `/api/show` in `model_info`.
    public var contextLength: Int
    /// `num_ctx` set by the Modelfile; when `nil`, requests without `options.num_ctx` get
    /// the stand-in's ``StandInBehaviour/defaultNumCtx``, as Ollama uses its server default.
    public var numCtx: Int?
    /// `completion`, `tools`, `thinking`, `embedding`, `vision`.
    public var capabilities: [String]
    public var parameterSize: String
    public var quantizationLevel: String
    /// Bytes on disk, as `/api/tags` reports.
    public var size: Int64
    /// Length of the vectors `/api/embed` returns.
    public var embeddingLength: Int

    public init(
        name: String, family: String, contextLength: Int, numCtx: Int? = nil, capabilities: [String],
        parameterSize: String, quantizationLevel: String = "Q4_K_M", size: Int64, embeddingLength: Int
    ) {
        self.name = name
        self.family = family
        self.contextLength = contextLength
        self.numCtx = numCtx
        self.capabilities = capabilities
        self.parameterSize = parameterSize
        self.quantizationLevel = quantizationLevel
        self.size = size
        self.embeddingLength = embeddingLength
    }

    /// Whether `/api/show` lists `capability` for this model.
    public func supports(_ capability: String) -> Bool { capabilities.contains(capability) }

    /// Meta's 3B instruction model, as `ollama pull llama3.2:3b` installs it.
    public static let llama32 = StandInModel(
        name: "llama3.2:3b", family: "llama", contextLength: 131_072, capabilities: ["completion", "tools"],
        parameterSize: "3.2B", size: 2_019_393_189, embeddingLength: 3072)

    /// Qwen3 8B, a thinking model.
    public static let qwen3 = StandInModel(
        name: "qwen3:8b", family: "qwen3", contextLength: 40_960, capabilities: ["completion", "tools", "thinking"],
        parameterSize: "8.2B", size: 5_225_388_164, embeddingLength: 4096)

    /// An embedding-only model: it cannot chat or generate.
    public static let nomicEmbed = StandInModel(
        name: "nomic-embed-text:latest", family: "nomic-bert", contextLength: 2048, numCtx: 8192,
        capabilities: ["embedding"], parameterSize: "137M", quantizationLevel: "F16", size: 274_302_450,
        embeddingLength: 768)

    /// What a fresh stand-in has installed.
    public static let defaults: [StandInModel] = [llama32, qwen3, nomicEmbed]
}
