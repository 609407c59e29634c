import Compression
import Foundation
import HTTPTypes
import Ollama
import Storage
import Transcript

/// Makes summaries: the work of a summary job, on whichever replica claims it. Also the
/// degraded `digest` given instead when Ollama is missing and the request allowed it.
struct SummaryService: Sendable {
    let store: any SessionStore & JobStore
    let client: OllamaClient?
    let settings: SummarySettings

    /// The summary `job` asks for, stored for reuse; or, when it cannot be made and the job
    /// allows it, a `digest` marked degraded. Throws ``APIError`` with the summary's code.
    func perform(_ job: SummaryJob, progress: @escaping @Sendable (SummaryProgress) async -> Void) async throws -> CompressResponse {
        let (conversation, contentKey) = try await load(job)
        guard let client else {
            if job.fallback { return try await degraded(job, conversation, reason: Self.notConfigured.message) }
            throw Self.notConfigured
        }
        let summarizer = Summarizer(client: client, options: SummaryOptions(model: job.choice.model, maxNumCtx: settings.maxContext))
        let result: SummaryResult
        do {
            result = try await summarizer.summarize(conversation, progress: progress)
        } catch {
            if job.fallback { return try await degraded(job, conversation, reason: error.description) }
            throw Self.apiError(error)
        }
        let response = CompressResponse(
            sessionID: conversation.sessionID ?? job.sessionID, summary: result, preset: job.choice.preset, maxTokens: job.maxTokens)
        var key = job.compressionKey
        key.contentKey = contentKey
        try await store.storeCompression(key, sessionID: job.sessionID, result: try Self.encode(response))
        return response
    }

    /// Why Ollama cannot make a summary with `choice` now, or nil when it can be tried:
    /// checked before a job is queued, so that a missing Ollama or model is a prompt answer.
    func unavailability(_ choice: ModelChoice) async -> APIError? {
        guard let client else { return Self.notConfigured }
        do {
            _ = try await client.show(model: choice.model)
            return nil
        } catch {
            return Self.apiError(SummaryError.from(error, model: choice.model))
        }
    }

    /// The `digest` of the job's conversation, marked degraded with `reason`.
    func degraded(_ job: SummaryJob, reason: String) async throws -> CompressResponse {
        try await degraded(job, try await load(job).conversation, reason: reason)
    }

    private func degraded(_ job: SummaryJob, _ conversation: Conversation, reason: String) async throws -> CompressResponse {
        let result = try await ConversationLoader.offloaded {
            Compressor.compress(conversation, level: .digest, maxTokens: job.maxTokens)
        }
        var response = CompressResponse(sessionID: conversation.sessionID ?? job.sessionID, result: result)
        response.degraded = true
        response.degradedReason = reason
        return response
    }

    /// The job's conversation and the key of its content as it is now.
    private func load(_ job: SummaryJob) async throws -> (conversation: Conversation, contentKey: String) {
        let conversation: Conversation
        let key: String
        if let id = job.sessionID {
            guard let (summary, loaded) = try await ConversationLoader(store: store).load(id) else {
                throw APIError.notFound("no session \(id)")
            }
            conversation = loaded
            key = summary.contentHash.map(SummaryJob.contentKey(sessionHash:)) ?? job.key
        } else {
            let text = job.content ?? ""
            let redactor = settings.redact ? SecretRedactor() : nil
            conversation = try await ConversationLoader.offloaded {
                Conversation(entries: TranscriptDecoder.decode(text, redactor: redactor).entries)
            }
            key = job.key
        }
        guard !conversation.entries.isEmpty else { throw CompressRoutes.nothingToCompress }
        return (conversation, key)
    }

    static let notConfigured = APIError(
        .serviceUnavailable, code: "ollama_not_configured",
        "the summary level needs Ollama, which this server is not configured to use (ollama.enabled, ollama.host); "
            + "send \"fallback\": true to get a digest instead")

    static func apiError(_ error: SummaryError) -> APIError {
        APIError(status(forCode: error.code), code: error.code, error.description)
    }

    /// The status of a summary failure, from its code (a failed job stores only the code).
    static func status(forCode code: String) -> HTTPResponse.Status {
        switch code {
        case "ollama_unavailable", "model_not_installed", "ollama_not_configured": return .serviceUnavailable
        case "prompt_truncated", "invalid_summary", "summary_truncated", "ollama_failed": return .badGateway
        case "context_too_small", "nothing_to_compress": return .unprocessableContent
        case "not_found": return .notFound
        default: return .internalServerError
        }
    }

    static func encode(_ response: CompressResponse) throws -> String {
        String(decoding: try JSONBodyEncoder.encode(response), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> CompressResponse {
        try JSONDecoder().decode(CompressResponse.self, from: Data(text.utf8))
    }
}
