import Compression
import Foundation
import Hummingbird
import Storage

/// `POST /api/sessions/compress` with `level: summary`.
///
/// A stored result for the same content, model and prompt version is answered at once.
/// Otherwise Ollama and the model are checked first (so a missing one is a prompt error,
/// or with `fallback: true` a degraded `digest`), then the work is queued as a job (or an
/// identical job already queued is joined) and awaited for up to `ollama.summary_wait`:
/// finished by then, the answer is the result; else 202 with the job to poll.
struct SummaryCompression {
    let store: any SessionStore & JobStore
    let service: SummaryService
    let doorbell: Doorbell

    func respond(
        _ body: JSONBody, sessionID: String?, content: String?, maxTokens: Int?, request: Request, context: AppRequestContext
    ) async throws -> Response {
        let choice = try ModelChoice.resolve(
            preset: try body.string("preset", maxLength: 50), model: try body.string("model", maxLength: 200),
            settings: service.settings)
        let fallback = try body.bool("fallback") ?? false
        var job = SummaryJob(sessionID: sessionID, content: content, choice: choice, maxTokens: maxTokens, fallback: fallback, key: "")
        switch (sessionID, content) {
        case (let id?, nil):
            guard let session = try await store.session(id: id) else { throw APIError.notFound("no session \(id)") }
            job.key = SummaryJob.contentKey(sessionHash: session.contentHash ?? "empty:\(id)")
        case (nil, let text?):
            guard !text.allSatisfy(\.isWhitespace) else { throw APIError.badRequest("content must not be empty") }
            job.key = SummaryJob.contentKey(content: text, redact: service.settings.redact)
        default:
            throw APIError.badRequest("send either session_id or content, not both")
        }

        if let stored = try await store.storedCompression(job.compressionKey) {
            var response = try SummaryService.decode(stored)
            response.reused = true
            // The stored summary answers this request's preset and budget.
            response.preset = choice.preset
            response.maxTokens = maxTokens
            response.fitsBudget = maxTokens.map { response.outputTokens <= $0 } ?? true
            return try JSONResponse(response).response(from: request, context: context)
        }
        if let problem = await service.unavailability(choice) {
            guard fallback else { throw problem }
            return try JSONResponse(try await service.degraded(job, reason: problem.message)).response(from: request, context: context)
        }

        let queued: JobRecord
        if let active = try await store.activeJob(workKey: job.workKey) {
            queued = active
        } else {
            queued = try await store.enqueueJob(NewJob(
                id: UUID().uuidString.lowercased(), kind: SummaryJob.kind, workKey: job.workKey, payload: try job.encoded()))
            await doorbell.ring()
        }
        let current = try await waitForEnd(of: queued.id, upTo: service.settings.wait) ?? queued
        switch current.state {
        case .succeeded:
            guard let text = current.result else { throw APIError.internalError }
            return try JSONResponse(try SummaryService.decode(text)).response(from: request, context: context)
        case .failed:
            let code = current.errorCode ?? "internal_error"
            throw APIError(SummaryService.status(forCode: code), code: code, current.errorMessage ?? "the summary failed")
        case .queued, .running:
            var response = try JSONResponse(JobResponse(current), status: .accepted).response(from: request, context: context)
            response.headers[.location] = "/api/jobs/\(current.id)"
            return response
        }
    }

    /// The job once it has ended, or as it is when `wait` is over; nil if it vanished.
    private func waitForEnd(of id: String, upTo wait: Duration) async throws -> JobRecord? {
        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(20)
        while true {
            let job = try await store.job(id: id)
            guard let job, !job.state.isFinished else { return job }
            let left = deadline - ContinuousClock.now
            if left <= .zero { return job }
            try await Task.sleep(for: min(pause, left))
            pause = min(pause * 2, .milliseconds(250))
        }
    }
}
