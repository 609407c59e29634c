import Storage

/// A job as `GET /api/jobs/{id}` (and a 202 from compress) shows it.
struct JobResponse: Encodable, Sendable {
    struct Progress: Encodable, Sendable {
        let done: Int
        let total: Int
    }

    struct Failure: Encodable, Sendable {
        let code: String
        let message: String
    }

    let jobID: String
    let kind: String
    let state: String
    let progress: Progress
    let attempts: Int
    let createdAt: String
    let startedAt: String?
    let finishedAt: String?
    let statusURL: String
    let result: CompressResponse?
    let error: Failure?

    init(_ job: JobRecord) {
        jobID = job.id
        kind = job.kind
        state = job.state.rawValue
        progress = Progress(done: job.progressDone, total: job.progressTotal)
        attempts = job.attempts
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        statusURL = "/api/jobs/\(job.id)"
        result = job.result.flatMap { try? SummaryService.decode($0) }
        error = job.state == .failed ? Failure(code: job.errorCode ?? "internal_error", message: job.errorMessage ?? "") : nil
    }

    enum CodingKeys: String, CodingKey {
        case kind, state, progress, attempts, result, error
        case jobID = "job_id"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case statusURL = "status_url"
    }

    /// Explicit nulls, as in every documented shape.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(kind, forKey: .kind)
        try container.encode(state, forKey: .state)
        try container.encode(progress, forKey: .progress)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(statusURL, forKey: .statusURL)
        try container.encode(result, forKey: .result)
        try container.encode(error, forKey: .error)
    }
}
