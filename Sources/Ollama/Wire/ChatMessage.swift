/// One message of a chat, as Ollama's `/api/chat` sends and receives it.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who wrote a message. An open set: Ollama may add roles, and unknown ones decode.
    public struct Role: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let system = Role(rawValue: "system")
        public static let user = Role(rawValue: "user")
        public static let assistant = Role(rawValue: "assistant")
        public static let tool = Role(rawValue: "tool")

        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    public var role: Role
    public var content: String
    /// The model's reasoning, present only when thinking was requested of a thinking model.
    public var thinking: String?
    /// Base64-encoded images, for multimodal models.
    public var images: [String]?

    public init(role: Role, content: String, thinking: String? = nil, images: [String]? = nil) {
        self.role = role
        self.content = content
        self.thinking = thinking
        self.images = images
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }

    private enum CodingKeys: String, CodingKey {
        case role, content, thinking, images
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(Role.self, forKey: .role)
        // A final streamed chunk may omit content; treat that as empty rather than malformed.
        content = try container.decodeIfPresent(String.self, forKey: .content) ?? ""
        thinking = try container.decodeIfPresent(String.self, forKey: .thinking)
        images = try container.decodeIfPresent([String].self, forKey: .images)
    }
}
