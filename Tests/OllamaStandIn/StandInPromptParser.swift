import Foundation

/// Reads a chat or generate body the way Ollama does: `stream` defaults to true, the
/// context is `options.num_ctx` or the model's or the server's default, and a prompt longer
/// than the context is cut silently unless `truncate` is false.
enum StandInPromptParser {
    static func parse(
        _ endpoint: StandInPrompt.Endpoint, json: [String: Any], state: StandInState, behaviour: StandInBehaviour
    ) throws(StandInRejection) -> StandInPrompt {
        guard let name = json["model"] as? String, !name.isEmpty else { throw .modelRequired() }
        guard let model = state.model(named: name) else { throw .modelNotFound(name) }
        guard model.supports("completion") else { throw .unsupported(name, endpoint.rawValue) }
        let think = StandInWire.bool(json["think"])
        if think == true, !model.supports("thinking") { throw .unsupported(name, "thinking") }

        let messages = try self.messages(endpoint, json: json)
        let options = json["options"] as? [String: Any] ?? [:]
        let numCtx = StandInWire.int(options["num_ctx"]) ?? model.numCtx ?? behaviour.defaultNumCtx
        let truncate = StandInWire.bool(json["truncate"])
        let promptTokens = messages.reduce(0) { $0 + behaviour.countPromptTokens($1.content) }
        if promptTokens > numCtx, truncate == false, behaviour.honoursTruncate { throw .inputTooLong() }

        return StandInPrompt(
            endpoint: endpoint, model: model.name, messages: messages, format: try format(json["format"]),
            numCtx: numCtx, numPredict: StandInWire.int(options["num_predict"]),
            temperature: StandInWire.double(options["temperature"]), seed: StandInWire.int(options["seed"]),
            truncate: truncate, think: think, stream: StandInWire.bool(json["stream"]) ?? true,
            promptTokens: promptTokens, evaluatedTokens: min(promptTokens, numCtx))
    }

    private static func messages(_ endpoint: StandInPrompt.Endpoint, json: [String: Any]) throws(StandInRejection)
        -> [StandInPrompt.Message]
    {
        switch endpoint {
        case .chat:
            guard let raw = json["messages"] as? [[String: Any]] else {
                if json["messages"] == nil { return [] }
                throw .invalid("json: cannot unmarshal messages")
            }
            return raw.map {
                StandInPrompt.Message(role: $0["role"] as? String ?? "", content: $0["content"] as? String ?? "")
            }
        case .generate:
            var messages: [StandInPrompt.Message] = []
            if let system = json["system"] as? String, !system.isEmpty {
                messages.append(.init(role: "system", content: system))
            }
            messages.append(.init(role: "user", content: json["prompt"] as? String ?? ""))
            return messages
        }
    }

    private static func format(_ value: Any?) throws(StandInRejection) -> StandInPrompt.Format? {
        switch value {
        case nil, is NSNull: return nil
        case let text as String:
            if text.isEmpty { return nil }
            guard text == "json" else {
                throw .invalid("invalid format: \"\(text)\"; expected \"json\" or a valid JSON Schema")
            }
            return .json
        case let schema as [String: Any]:
            return .schema(String(decoding: StandInWire.data(schema), as: UTF8.self))
        default:
            throw .invalid("invalid format: expected \"json\" or a valid JSON Schema")
        }
    }
}
