/// What `/api/show` tells about one model: its context length, what it can do, and the
/// parameters its Modelfile sets.
public struct ModelDescription: Sendable, Hashable, Decodable {
    /// Capabilities such as `completion`, `tools`, `thinking`, `embedding`, `vision`.
    public var capabilities: [String]
    /// Modelfile parameters by name; a name may repeat (several `stop` sequences).
    public var parameters: [String: [String]]
    /// The `parameters` text as Ollama sent it.
    public var rawParameters: String
    public var template: String?
    public var details: ModelDetails
    /// GGUF metadata, e.g. `general.architecture`, `llama.context_length`.
    public var modelInfo: [String: JSONValue]
    public var modifiedAt: String?

    /// The context length the model was trained for, from the `model_info` key ending in
    /// `.context_length` (preferring the one of `general.architecture`); `nil` when absent.
    public var contextLength: Int? {
        if let architecture = modelInfo["general.architecture"]?.stringValue,
           let value = modelInfo["\(architecture).context_length"]?.numberValue {
            return Int(value)
        }
        let key = modelInfo.keys.sorted().first { $0.hasSuffix(".context_length") }
        return key.flatMap { modelInfo[$0]?.numberValue }.map { Int($0) }
    }

    /// `num_ctx` set by the Modelfile, if any: what Ollama uses when a request sets none.
    public var configuredNumCtx: Int? {
        parameters["num_ctx"]?.first.flatMap { Int($0) }
    }

    /// Whether the model lists `capability` (e.g. `"embedding"`).
    public func supports(_ capability: String) -> Bool { capabilities.contains(capability) }

    private enum CodingKeys: String, CodingKey {
        case capabilities, parameters, template, details
        case modelInfo = "model_info"
        case modifiedAt = "modified_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        capabilities = try container.decodeIfPresent([String].self, forKey: .capabilities) ?? []
        rawParameters = try container.decodeIfPresent(String.self, forKey: .parameters) ?? ""
        parameters = Self.parse(parameters: rawParameters)
        template = try container.decodeIfPresent(String.self, forKey: .template)
        details = try container.decodeIfPresent(ModelDetails.self, forKey: .details) ?? ModelDetails()
        modelInfo = try container.decodeIfPresent([String: JSONValue].self, forKey: .modelInfo) ?? [:]
        modifiedAt = try container.decodeIfPresent(String.self, forKey: .modifiedAt)
    }

    /// Parses Ollama's `name   value` lines; quoted values lose their quotes.
    static func parse(parameters text: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let gap = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { continue }
            let name = String(trimmed[..<gap])
            var value = trimmed[gap...].drop { $0 == " " || $0 == "\t" }
            while value.last == " " || value.last == "\t" { value = value.dropLast() }
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = value.dropFirst().dropLast()
            }
            result[name, default: []].append(String(value))
        }
        return result
    }
}
