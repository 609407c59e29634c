import Foundation

/// A summary with its measurements, the shape of ``CompressionResult`` plus what the LLM
/// work cost.
public struct SummaryResult: Sendable {
    /// The Markdown summary, merged with the facts the model left out.
    public var text: String
    /// The model's own structured summary.
    public var reply: SummaryReply
    public var model: String
    public var inputTokens: Int
    public var outputTokens: Int
    public var duration: Duration
    /// Recall of the merged text: 1 unless a fact could not be shown at all.
    public var recall: FactRecall
    /// Recall of the model's summary alone, before the missing facts were added: what the
    /// model dropped.
    public var summaryRecall: FactRecall
    public var facts: SessionFacts
    /// Parts the transcript was cut into.
    public var chunks: Int
    /// Chat requests made, retries included.
    public var calls: Int
    public var retries: Int
    public var numCtx: Int
    /// `prompt_eval_count` and `eval_count` summed over the requests.
    public var promptTokens: Int
    public var generatedTokens: Int

    public var ratio: Double { outputTokens == 0 ? 0 : Double(inputTokens) / Double(outputTokens) }
}

extension SummaryReply {
    static let empty = SummaryReply(goal: "", decisions: [], files: [], errors: [], openTodos: [], nextStep: "", keyFacts: [])

    /// The reply decoded, when it is valid JSON of the schema.
    static func decode(_ text: String) -> SummaryReply? {
        try? JSONDecoder().decode(SummaryReply.self, from: Data(text.utf8))
    }
}
