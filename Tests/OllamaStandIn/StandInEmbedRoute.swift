import Foundation
import Hummingbird

/// `/api/embed`: one unit vector per input (a string or an array of strings).
enum StandInEmbedRoute {
    static func embed(_ json: [String: Any], state: StandInState) throws(StandInRejection) -> Response {
        guard let name = json["model"] as? String, !name.isEmpty else { throw .modelRequired() }
        guard let model = state.model(named: name) else { throw .modelNotFound(name) }
        let inputs: [String]
        switch json["input"] {
        case nil: inputs = []
        case let text as String: inputs = [text]
        case let texts as [String]: inputs = texts
        default: throw .invalid("invalid input type")
        }
        let context = model.numCtx ?? model.contextLength
        let counts = inputs.map { StandInTokens.count($0) }
        if StandInWire.bool(json["truncate"]) == false, counts.contains(where: { $0 > context }) {
            throw .inputTooLong()
        }
        let dimensions = StandInWire.int(json["dimensions"]).map { min($0, model.embeddingLength) } ?? model.embeddingLength
        let evaluated = counts.reduce(0) { $0 + min($1, context) }
        return StandInWire.json([
            "model": model.name,
            "embeddings": inputs.map { StandInEmbedding.vector(for: $0, dimensions: dimensions) },
            "total_duration": 2_000_000 + Int64(evaluated) * 50_000,
            "load_duration": 1_000_000,
            "prompt_eval_count": evaluated,
        ])
    }
}
