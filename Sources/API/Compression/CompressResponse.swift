import Compression

/// The answer to `POST /api/sessions/compress`, and the stored result of a summary job.
struct CompressResponse: Codable, Sendable {
    struct Recall: Codable, Sendable {
        struct Dropped: Codable, Sendable {
            let kind: String
            let value: String
        }

        let score: Double
        let kept: Int
        let total: Int
        let dropped: [Dropped]

        init(_ recall: FactRecall) {
            score = recall.score
            kept = recall.kept
            total = recall.total
            dropped = recall.dropped.map { Dropped(kind: $0.kind.rawValue, value: $0.value) }
        }
    }

    struct Facts: Codable, Sendable {
        let requests: Int
        let filesModified: [String]
        let filesCreated: [String]
        let filesRead: Int
        let commands: Int
        let failedCommands: Int
        let errors: Int
        let unresolvedErrors: Int
        let openTodos: [String]
        let gitBranches: [String]
        let compactions: Int

        init(_ facts: SessionFacts) {
            requests = facts.requests.count
            filesModified = facts.filesModified
            filesCreated = facts.filesCreated
            filesRead = facts.filesRead.count
            commands = facts.commands.count
            failedCommands = facts.commands.filter(\.failed).count
            errors = facts.failures.count
            unresolvedErrors = facts.failures.filter { !$0.resolved }.count
            openTodos = facts.openTodos.map(\.content)
            gitBranches = facts.gitBranches
            compactions = facts.compactionSummaries.count
        }

        enum CodingKeys: String, CodingKey {
            case requests, commands, errors
            case filesModified = "files_modified"
            case filesCreated = "files_created"
            case filesRead = "files_read"
            case failedCommands = "failed_commands"
            case unresolvedErrors = "unresolved_errors"
            case openTodos = "open_todos"
            case gitBranches = "git_branches"
            case compactions
        }
    }

    /// What the LLM work of a summary cost, and what the model alone kept.
    struct Summary: Codable, Sendable {
        let chunks: Int
        let calls: Int
        let retries: Int
        let numCtx: Int
        let promptTokens: Int
        let generatedTokens: Int
        let promptVersion: String
        /// Recall of the model's summary before the facts it dropped were added.
        let summaryRecall: Recall
        /// The model's structured summary.
        let structured: SummaryReply

        enum CodingKeys: String, CodingKey {
            case chunks, calls, retries, structured
            case numCtx = "num_ctx"
            case promptTokens = "prompt_tokens"
            case generatedTokens = "generated_tokens"
            case promptVersion = "prompt_version"
            case summaryRecall = "summary_recall"
        }
    }

    let sessionID: String?
    let level: String
    let text: String
    let inputTokens: Int
    let outputTokens: Int
    let ratio: Double
    var maxTokens: Int?
    var fitsBudget: Bool
    /// The model and preset of a summary; deterministic levels use none.
    var model: String?
    var preset: String?
    let durationMS: Double
    let recall: Recall
    let facts: Facts
    /// True when a summary was asked for and this `digest` stands in for it.
    var degraded = false
    var degradedReason: String?
    /// True when the answer is a stored result of the same content, level, model and prompt.
    var reused = false
    var summary: Summary?

    init(sessionID: String?, result: CompressionResult) {
        self.sessionID = sessionID
        level = result.level.rawValue
        text = result.text
        inputTokens = result.inputTokens
        outputTokens = result.outputTokens
        ratio = (result.ratio * 100).rounded() / 100
        maxTokens = result.maxTokens
        fitsBudget = result.fitsBudget
        model = nil
        preset = nil
        durationMS = Self.milliseconds(result.duration)
        recall = Recall(result.recall)
        facts = Facts(result.facts)
    }

    init(sessionID: String?, summary result: SummaryResult, preset: String?, maxTokens: Int?) {
        self.sessionID = sessionID
        level = "summary"
        text = result.text
        inputTokens = result.inputTokens
        outputTokens = result.outputTokens
        ratio = (result.ratio * 100).rounded() / 100
        self.maxTokens = maxTokens
        fitsBudget = maxTokens.map { result.outputTokens <= $0 } ?? true
        model = result.model
        self.preset = preset
        durationMS = Self.milliseconds(result.duration)
        recall = Recall(result.recall)
        facts = Facts(result.facts)
        summary = Summary(
            chunks: result.chunks, calls: result.calls, retries: result.retries, numCtx: result.numCtx,
            promptTokens: result.promptTokens, generatedTokens: result.generatedTokens, promptVersion: SummaryPrompt.version,
            summaryRecall: Recall(result.summaryRecall), structured: result.reply)
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        let milliseconds = Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
        return (milliseconds * 1000).rounded() / 1000
    }

    enum CodingKeys: String, CodingKey {
        case level, text, ratio, model, preset, recall, facts, degraded, reused, summary
        case degradedReason = "degraded_reason"
        case sessionID = "session_id"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case maxTokens = "max_tokens"
        case fitsBudget = "fits_budget"
        case durationMS = "duration_ms"
    }

    /// Explicit nulls: clients see every field of the documented shape.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(level, forKey: .level)
        try container.encode(text, forKey: .text)
        try container.encode(inputTokens, forKey: .inputTokens)
        try container.encode(outputTokens, forKey: .outputTokens)
        try container.encode(ratio, forKey: .ratio)
        try container.encode(maxTokens, forKey: .maxTokens)
        try container.encode(fitsBudget, forKey: .fitsBudget)
        try container.encode(model, forKey: .model)
        try container.encode(preset, forKey: .preset)
        try container.encode(durationMS, forKey: .durationMS)
        try container.encode(recall, forKey: .recall)
        try container.encode(facts, forKey: .facts)
        try container.encode(degraded, forKey: .degraded)
        try container.encode(degradedReason, forKey: .degradedReason)
        try container.encode(reused, forKey: .reused)
        try container.encode(summary, forKey: .summary)
    }
}
