import Ollama

/// What the model is asked to return for a session, or for one part of it: the JSON Schema
/// sent as Ollama's `format`, and the value it decodes to.
public struct SummaryReply: Sendable, Equatable, Codable {
    public struct Decision: Sendable, Equatable, Codable {
        public var decision: String
        public var why: String
    }

    public struct FileChange: Sendable, Equatable, Codable {
        public var path: String
        public var change: String
    }

    public struct ErrorResolution: Sendable, Equatable, Codable {
        public var error: String
        public var resolution: String
    }

    public var goal: String
    public var decisions: [Decision]
    public var files: [FileChange]
    public var errors: [ErrorResolution]
    public var openTodos: [String]
    public var nextStep: String
    public var keyFacts: [String]

    enum CodingKeys: String, CodingKey {
        case goal, decisions, files, errors
        case openTodos = "open_todos"
        case nextStep = "next_step"
        case keyFacts = "key_facts"
    }

    /// The schema of the reply. Every field is required, so a reply that parses and
    /// validates always decodes.
    public static let schema: JSONValue = object([
        "goal": string,
        "decisions": array(of: object(["decision": string, "why": string])),
        "files": array(of: object(["path": string, "change": string])),
        "errors": array(of: object(["error": string, "resolution": string])),
        "open_todos": array(of: string),
        "next_step": string,
        "key_facts": array(of: string),
    ])

    private static let string: JSONValue = ["type": "string"]

    private static func array(of items: JSONValue) -> JSONValue {
        ["type": "array", "items": items]
    }

    private static func object(_ properties: [String: JSONValue]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(properties.keys.sorted().map(JSONValue.string))]
    }
}
