/// How far a conversation is compressed. All three levels are deterministic: the same
/// conversation always gives the same text.
public enum CompressionLevel: String, Sendable, CaseIterable, Codable {
    /// The conversation without thinking, tool output cut to head and tail, repeated reads
    /// collapsed and base64 dropped; every prompt and all prose verbatim.
    case structural
    /// Prompts and prose verbatim, each tool call as one line.
    case spine
    /// The extracted facts as short Markdown sections, fitted to a token budget.
    case digest

    /// Most faithful first: the order in which restore packs try the levels.
    public static let byFidelity: [CompressionLevel] = [.structural, .spine, .digest]
}
