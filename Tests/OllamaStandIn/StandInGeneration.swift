import Foundation
import Hummingbird

/// Answers a parsed chat or generate request in Ollama's formats: a word per streamed
/// chunk, then a final chunk with `done: true`, `done_reason` and the counts and durations
/// (nanoseconds); or all of it in one object when not streaming.
enum StandInGeneration {
    static func respond(to prompt: StandInPrompt, behaviour: StandInBehaviour) -> Response {
        // Ollama answers an empty chat by loading the model and saying so.
        if prompt.endpoint == .chat, prompt.messages.isEmpty {
            return StandInWire.json(envelope(prompt, text: "", done: true).merging(["done_reason": "load"]) { $1 })
        }
        var pieces = StandInTokens.pieces(behaviour.reply(prompt))
        var doneReason = "stop"
        if let limit = prompt.numPredict, limit >= 0, pieces.count > limit {
            pieces = Array(pieces.prefix(limit))
            doneReason = "length"
        }
        let final = envelope(prompt, text: prompt.stream ? "" : pieces.joined(), done: true)
            .merging(metrics(prompt, generated: pieces.count, doneReason: doneReason)) { $1 }

        guard prompt.stream else {
            if behaviour.streamErrorAfterChunks != nil {
                return StandInWire.error(behaviour.streamErrorMessage, status: 500)
            }
            return StandInWire.json(final)
        }
        let chunks = pieces.map { envelope(prompt, text: $0, done: false) } + [final]
        let failure = behaviour.streamErrorAfterChunks.map { (count: $0, message: behaviour.streamErrorMessage) }
        return StandInWire.ndjson(chunks, delay: behaviour.chunkDelay, errorAfter: failure)
    }

    /// The fields every chunk has; chat carries text in `message`, generate in `response`.
    private static func envelope(_ prompt: StandInPrompt, text: String, done: Bool) -> [String: Any] {
        var object: [String: Any] = ["model": prompt.model, "created_at": StandInWire.timestamp(), "done": done]
        switch prompt.endpoint {
        case .chat: object["message"] = ["role": "assistant", "content": text]
        case .generate: object["response"] = text
        }
        return object
    }

    /// The final chunk's statistics, made up but consistent: durations grow with the counts.
    private static func metrics(_ prompt: StandInPrompt, generated: Int, doneReason: String) -> [String: Any] {
        let load: Int64 = 1_250_000
        let promptEval = Int64(prompt.evaluatedTokens) * 180_000
        let eval = Int64(generated) * 21_000_000
        var fields: [String: Any] = [
            "done_reason": doneReason,
            "total_duration": load + promptEval + eval + 400_000,
            "load_duration": load,
            "prompt_eval_count": prompt.evaluatedTokens,
            "prompt_eval_duration": promptEval,
            "eval_count": generated,
            "eval_duration": eval,
        ]
        if prompt.endpoint == .generate {
            // Deprecated, but Ollama still sends the token context on generate's last chunk.
            fields["context"] = Array(1...max(1, min(prompt.evaluatedTokens + generated, 32)))
        }
        return fields
    }
}
