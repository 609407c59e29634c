import Transcript

/// Compresses a conversation at a deterministic level and measures the result.
public enum Compressor {
    /// The budget of a `digest` when none is asked for.
    public static let defaultDigestTokens = 2000

    /// Compresses `conversation`. `maxTokens` bounds the `digest` (default
    /// ``defaultDigestTokens``); the other levels report whether they fit it.
    public static func compress(_ conversation: Conversation, level: CompressionLevel, maxTokens: Int? = nil) -> CompressionResult {
        let clock = ContinuousClock()
        let start = clock.now
        let facts = FactExtractor.extract(conversation)
        let text: String
        switch level {
        case .structural: text = StructuralRenderer(conversation: conversation).render()
        case .spine: text = SpineRenderer(conversation: conversation).render()
        case .digest: text = DigestRenderer(facts: facts).render(maxTokens: maxTokens ?? defaultDigestTokens)
        }
        let recall = FactRecall.measure(facts.recallFacts, in: text)
        return CompressionResult(
            level: level, text: text, inputTokens: conversation.inputTokens, outputTokens: TokenEstimator.estimate(text),
            maxTokens: maxTokens ?? (level == .digest ? defaultDigestTokens : nil), duration: clock.now - start,
            recall: recall, facts: facts)
    }
}
