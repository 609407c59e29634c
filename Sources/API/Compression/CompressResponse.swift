import Compression

/// The answer to `POST /api/sessions/compress`.
struct CompressResponse: Encodable, Sendable {
    struct Recall: Encodable, Sendable {
        struct Dropped: Encodable, Sendable {
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

    struct Facts: Encodable, Sendable {
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

    let sessionID: String?
    let level: String
    let text: String
    let inputTokens: Int
    let outputTokens: Int
    let ratio: Double
    let maxTokens: Int?
    let fitsBudget: Bool
    /// Deterministic levels use no model; the fields are there for the LLM level's shape.
    let model: String?
    let preset: String?
    let durationMS: Double
    let recall: Recall
    let facts: Facts

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
        let parts = result.duration.components
        let milliseconds = Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
        durationMS = (milliseconds * 1000).rounded() / 1000
        recall = Recall(result.recall)
        facts = Facts(result.facts)
    }

    enum CodingKeys: String, CodingKey {
        case level, text, ratio, model, preset, recall, facts
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
    }
}
