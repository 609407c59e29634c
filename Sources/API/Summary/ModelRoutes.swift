import Hummingbird
import Ollama

/// `GET /api/models`: the models Ollama has installed (`/api/tags`) and which model each
/// preset maps to. Always 200: without Ollama, the answer says why and still shows the
/// mapping, with `installed` null where it cannot be known.
struct ModelRoutes {
    let client: OllamaClient?
    let settings: SummarySettings

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.get, "/api/models")
        group.get("/models") { request, context in
            try JSONResponse(await models()).response(from: request, context: context)
        }
    }

    func models() async -> ModelsResponse {
        var ollama = ModelsResponse.OllamaState(configured: client != nil, reachable: false, baseURL: client?.configuration.baseURL, error: nil)
        var installed: [ModelSummary]?
        if let client {
            do {
                installed = try await client.tags()
                ollama.reachable = true
            } catch {
                ollama.error = error.description
            }
        } else {
            ollama.error = "Ollama is not configured (ollama.enabled, ollama.host); only the deterministic levels are available"
        }
        let names = installed.map { Set($0.map(\.name)) }
        let presets = settings.presets.mapValues { model in
            ModelsResponse.Preset(model: model, installed: names.map { Self.isInstalled(model, in: $0) })
        }
        return ModelsResponse(
            ollama: ollama, models: (installed ?? []).map(ModelsResponse.Model.init), presets: presets,
            defaultPreset: settings.defaultPreset)
    }

    /// Ollama's own rule: a name without a tag means `:latest`.
    static func isInstalled(_ model: String, in names: Set<String>) -> Bool {
        names.contains(model) || (!model.contains(":") && names.contains(model + ":latest"))
    }
}

struct ModelsResponse: Encodable, Sendable {
    struct OllamaState: Encodable, Sendable {
        var configured: Bool
        var reachable: Bool
        var baseURL: String?
        var error: String?

        enum CodingKeys: String, CodingKey {
            case configured, reachable, error
            case baseURL = "base_url"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(configured, forKey: .configured)
            try container.encode(reachable, forKey: .reachable)
            try container.encode(baseURL, forKey: .baseURL)
            try container.encode(error, forKey: .error)
        }
    }

    struct Model: Encodable, Sendable {
        let name: String
        let size: Int64
        let modifiedAt: String
        let family: String?
        let parameterSize: String?
        let quantizationLevel: String?

        init(_ summary: ModelSummary) {
            name = summary.name
            size = summary.size
            modifiedAt = summary.modifiedAt
            family = summary.details.family
            parameterSize = summary.details.parameterSize
            quantizationLevel = summary.details.quantizationLevel
        }

        enum CodingKeys: String, CodingKey {
            case name, size, family
            case modifiedAt = "modified_at"
            case parameterSize = "parameter_size"
            case quantizationLevel = "quantization_level"
        }
    }

    struct Preset: Encodable, Sendable {
        let model: String
        /// Nil when Ollama could not be asked.
        let installed: Bool?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
            try container.encode(installed, forKey: .installed)
        }

        enum CodingKeys: String, CodingKey { case model, installed }
    }

    let ollama: OllamaState
    let models: [Model]
    let presets: [String: Preset]
    let defaultPreset: String

    enum CodingKeys: String, CodingKey {
        case ollama, models, presets
        case defaultPreset = "default_preset"
    }
}
