/// A compressed conversation with its measurements.
public struct CompressionResult: Sendable {
    public var level: CompressionLevel
    public var text: String
    /// The conversation's cost as text (see ``Conversation/inputTokens``).
    public var inputTokens: Int
    public var outputTokens: Int
    /// The budget asked for, if any. Only `digest` is fitted to it; the other levels keep
    /// every prompt and all prose, so they may exceed it (see ``fitsBudget``).
    public var maxTokens: Int?
    public var duration: Duration
    public var recall: FactRecall
    public var facts: SessionFacts

    /// How many times smaller the output is; 0 for an empty output.
    public var ratio: Double { outputTokens == 0 ? 0 : Double(inputTokens) / Double(outputTokens) }

    public var fitsBudget: Bool { maxTokens.map { outputTokens <= $0 } ?? true }
}
