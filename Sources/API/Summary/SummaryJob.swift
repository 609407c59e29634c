import Compression
import Crypto
import Foundation
import Storage

/// What a summary job runs, stored as the job's payload so that any replica can run it.
struct SummaryJob: Codable, Sendable {
    static let kind = "summary"

    var sessionID: String?
    /// Posted content (plain text or JSONL), when no session is named.
    var content: String?
    var choice: ModelChoice
    var maxTokens: Int?
    /// Answer with a `digest` marked degraded when the summary cannot be made.
    var fallback: Bool
    var key: String

    enum CodingKeys: String, CodingKey {
        case content, choice, fallback, key
        case sessionID = "session_id"
        case maxTokens = "max_tokens"
    }

    /// The stored-result key: the same content, level, model and prompt give the same result.
    var compressionKey: CompressionKey {
        CompressionKey(contentKey: key, level: "summary", model: choice.model, promptVersion: SummaryPrompt.version)
    }

    /// The job's work key: equal keys are the same work, so a second request joins the first.
    var workKey: String {
        let parts = [key, choice.model, SummaryPrompt.version, fallback ? "fallback" : "strict"]
        return parts.joined(separator: "|")
    }

    /// A stored session's content is named by its content hash (which changes with every
    /// entry added); posted content by a hash of its text and the redaction setting.
    static func contentKey(sessionHash: String) -> String { "session:" + sessionHash }

    static func contentKey(content: String, redact: Bool) -> String {
        let digest = SHA256.hash(data: Data(content.utf8)).hexString
        return "content:\(redact ? "redacted" : "raw"):" + digest
    }

    func encoded() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    static func decode(_ payload: String) -> SummaryJob? {
        try? JSONDecoder().decode(SummaryJob.self, from: Data(payload.utf8))
    }
}
