/// Background jobs shared by every replica, and the compression results they store.
///
/// A job is claimed under a lease: the claimer owns it until the lease expires, renewing it
/// while it works. A replica that dies stops renewing, the lease runs out, and the next
/// claim by any replica takes the job again (up to ``JobRecord/maxAttempts`` claims). Every
/// update names the owner and changes nothing once the lease was lost, so a worker that
/// was presumed dead cannot overwrite its successor. Lease times come from the database's
/// clock, so replicas' clocks need not agree.
public protocol JobStore: Sendable {
    /// Stores a new job in state `queued`.
    func enqueueJob(_ job: NewJob) async throws -> JobRecord

    /// One job, or nil.
    func job(id: String) async throws -> JobRecord?

    /// The newest queued or running job doing `workKey`, or nil: a caller asking for the
    /// same work again joins it instead of starting another.
    func activeJob(workKey: String) async throws -> JobRecord?

    /// Takes the oldest claimable job (queued, or running with an expired lease) for
    /// `owner` for `lease`, counting an attempt; nil when there is none. Two claimers never
    /// get the same job while its lease runs. A job whose expired lease was its last
    /// attempt is marked failed instead.
    func claimJob(owner: String, lease: Duration) async throws -> JobRecord?

    /// Extends the lease; false when `owner` no longer holds it.
    func renewJobLease(id: String, owner: String, lease: Duration) async throws -> Bool

    /// Records progress; false when `owner` no longer holds the lease.
    func updateJobProgress(id: String, owner: String, done: Int, total: Int) async throws -> Bool

    /// Ends the job as succeeded (with its result) or failed; false when `owner` no longer
    /// holds the lease. The payload (which may hold a whole posted transcript) is dropped.
    func finishJob(id: String, owner: String, outcome: JobOutcome) async throws -> Bool

    /// Deletes jobs that ended longer than `age` ago; returns how many. Queued and running
    /// jobs are never deleted.
    func deleteFinishedJobs(olderThan age: Duration) async throws -> Int

    /// A stored compression result (JSON text), or nil.
    func storedCompression(_ key: CompressionKey) async throws -> String?

    /// Stores a compression result, replacing one stored under the same key. With a
    /// `sessionID`, the result is deleted with the session.
    func storeCompression(_ key: CompressionKey, sessionID: String?, result: String) async throws
}

/// A job to enqueue.
public struct NewJob: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var workKey: String
    /// What the job needs to run, as JSON text; `{}` once the job has ended.
    public var payload: String

    public init(id: String, kind: String, workKey: String, payload: String) {
        self.id = id
        self.kind = kind
        self.workKey = workKey
        self.payload = payload
    }
}

public enum JobState: String, Sendable, Codable {
    case queued, running, succeeded, failed

    public var isFinished: Bool { self == .succeeded || self == .failed }
}

/// A stored job.
public struct JobRecord: Sendable, Equatable {
    /// Claims a job gets before an expired lease fails it rather than handing it out again.
    public static let maxAttempts = 3
    /// How long an ended job stays readable through `GET /api/jobs/{id}`.
    public static let retention: Duration = .seconds(7 * 86_400)

    public var id: String
    public var kind: String
    public var state: JobState
    public var workKey: String
    public var payload: String
    /// The result as JSON text, once succeeded.
    public var result: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var progressDone: Int
    public var progressTotal: Int
    public var attempts: Int
    public var leaseOwner: String?
    public var leaseExpiresAt: String?
    public var createdAt: String
    public var updatedAt: String
    public var startedAt: String?
    public var finishedAt: String?
}

/// How a job ended.
public enum JobOutcome: Sendable, Equatable {
    case succeeded(result: String)
    case failed(code: String, message: String)
}

/// What a stored compression is the result of.
public struct CompressionKey: Sendable, Hashable {
    /// The content compressed: a stored session's content hash, or a hash of posted content.
    public var contentKey: String
    public var level: String
    public var model: String
    public var promptVersion: String

    public init(contentKey: String, level: String, model: String, promptVersion: String) {
        self.contentKey = contentKey
        self.level = level
        self.model = model
        self.promptVersion = promptVersion
    }
}
