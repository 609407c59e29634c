/// The model a summary uses: named in the request (`model`), or a preset's (`preset`, else
/// the configured default preset).
struct ModelChoice: Sendable, Equatable, Codable {
    let model: String
    /// The preset it came from; nil when the request named the model.
    let preset: String?

    static func resolve(preset: String?, model: String?, settings: SummarySettings) throws -> ModelChoice {
        switch (preset, model) {
        case (_?, _?):
            throw APIError.badRequest("send either preset or model, not both")
        case (nil, let model?):
            guard !model.isEmpty, !model.contains(where: \.isWhitespace) else { throw APIError.badRequest("model must be a model tag such as llama3.2:3b") }
            return ModelChoice(model: model, preset: nil)
        case (let name, nil):
            let name = name ?? settings.defaultPreset
            guard let model = settings.presets[name], !model.isEmpty else {
                let known = settings.presets.keys.sorted().joined(separator: ", ")
                throw APIError.badRequest("preset must be one of \(known)")
            }
            return ModelChoice(model: model, preset: name)
        }
    }
}
