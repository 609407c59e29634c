/// A model's format, family and size class, shared by `/api/tags` and `/api/show`.
public struct ModelDetails: Sendable, Hashable, Decodable {
    public var parentModel: String?
    public var format: String?
    public var family: String?
    public var families: [String]?
    /// e.g. `3.2B`.
    public var parameterSize: String?
    /// e.g. `Q4_K_M`.
    public var quantizationLevel: String?

    public init(
        parentModel: String? = nil, format: String? = nil, family: String? = nil, families: [String]? = nil,
        parameterSize: String? = nil, quantizationLevel: String? = nil
    ) {
        self.parentModel = parentModel
        self.format = format
        self.family = family
        self.families = families
        self.parameterSize = parameterSize
        self.quantizationLevel = quantizationLevel
    }

    private enum CodingKeys: String, CodingKey {
        case format, family, families
        case parentModel = "parent_model"
        case parameterSize = "parameter_size"
        case quantizationLevel = "quantization_level"
    }
}
