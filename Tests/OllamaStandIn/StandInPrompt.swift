import Foundation

/// A chat or generate request as the stand-in understood it, handed to
/// ``StandInBehaviour/reply`` so tests can answer according to what was asked.
public struct StandInPrompt: Sendable {
    public enum Endpoint: String, Sendable {
        case chat, generate
    }

    /// The `format` a request asked for.
    public enum Format: Sendable, Hashable {
        /// `"format": "json"`.
        case json
        /// `"format": {...}`: the schema, as compact JSON text with sorted keys.
        case schema(String)
    }

    public struct Message: Sendable, Hashable {
        public var role: String
        public var content: String
    }

    public var endpoint: Endpoint
    public var model: String
    /// The chat's messages; for generate, the system prompt (if any) and the prompt.
    public var messages: [Message]
    public var format: Format?
    /// The context in effect: `options.num_ctx`, else the Modelfile's, else the server default.
    public var numCtx: Int
    public var numPredict: Int?
    public var temperature: Double?
    public var seed: Int?
    /// `truncate` as sent; `nil` when absent (Ollama then truncates).
    public var truncate: Bool?
    public var think: Bool?
    public var stream: Bool
    /// Words in all messages: the stand-in's token count.
    public var promptTokens: Int
    /// What `prompt_eval_count` will say: `promptTokens`, or `numCtx` when the prompt was cut.
    public var evaluatedTokens: Int

    /// The last user message (for generate, the prompt).
    public var lastUserText: String {
        messages.last { $0.role == "user" }?.content ?? ""
    }

    /// Whether the prompt was longer than the context and silently cut.
    public var wasTruncated: Bool { evaluatedTokens < promptTokens }
}
