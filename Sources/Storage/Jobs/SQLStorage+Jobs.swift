import Foundation

extension SQLStorage {
    public func enqueueJob(_ job: NewJob) async throws -> JobRecord {
        let now = clockSQL
        return try await database.write { connection in
            let rows = try connection.query(
                """
                INSERT INTO jobs (id, kind, state, work_key, payload, created_at, updated_at)
                VALUES ($1, $2, 'queued', $3, $4, \(now), \(now))
                RETURNING \(JobRow.columns)
                """,
                .text(job.id), .text(job.kind), .text(job.workKey), .text(job.payload))
            return JobRow.record(rows[0])
        }
    }

    public func job(id: String) async throws -> JobRecord? {
        try await database.read { connection in
            try connection.query("SELECT \(JobRow.columns) FROM jobs WHERE id = $1", .text(id)).first.map(JobRow.record)
        }
    }

    public func activeJob(workKey: String) async throws -> JobRecord? {
        try await database.read { connection in
            try connection.query(
                "SELECT \(JobRow.columns) FROM jobs WHERE work_key = $1 AND state IN ('queued', 'running') ORDER BY created_at DESC LIMIT 1",
                .text(workKey)
            ).first.map(JobRow.record)
        }
    }

    public func claimJob(owner: String, lease: Duration) async throws -> JobRecord? {
        let now = clockSQL
        let expired = "state = 'running' AND lease_expires_at < \(now)"
        // Cheap read first: most polls find nothing, and need no write lock for that.
        let pending = try await database.read { connection in
            try !connection.query("SELECT 1 FROM jobs WHERE state = 'queued' OR (\(expired)) LIMIT 1").isEmpty
        }
        guard pending else { return nil }
        // PostgreSQL: concurrent claimers skip the row another one has locked. SQLite: the
        // write transaction (BEGIN IMMEDIATE) already lets one claimer in at a time.
        let skipLocked = backend == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let leaseEnd = clockSQL(plus: 2)
        return try await database.write { connection in
            try connection.query(
                """
                UPDATE jobs SET state = 'failed', error_code = 'lease_expired',
                    error_message = 'the job was claimed \(JobRecord.maxAttempts) times and never finished',
                    lease_owner = NULL, finished_at = \(now), updated_at = \(now)
                WHERE \(expired) AND attempts >= \(JobRecord.maxAttempts)
                """)
            let rows = try connection.query(
                """
                UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at = \(leaseEnd),
                    attempts = attempts + 1, started_at = COALESCE(started_at, \(now)), updated_at = \(now)
                WHERE id = (
                    SELECT id FROM jobs WHERE state = 'queued' OR (\(expired))
                    ORDER BY created_at, id LIMIT 1\(skipLocked))
                RETURNING \(JobRow.columns)
                """,
                .text(owner), Self.offsetValue(lease, backend: self.backend))
            return rows.first.map(JobRow.record)
        }
    }

    public func renewJobLease(id: String, owner: String, lease: Duration) async throws -> Bool {
        let leaseEnd = clockSQL(plus: 3)
        let now = clockSQL
        return try await database.write { connection in
            !(try connection.query(
                """
                UPDATE jobs SET lease_expires_at = \(leaseEnd), updated_at = \(now)
                WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING id
                """,
                .text(id), .text(owner), Self.offsetValue(lease, backend: self.backend)).isEmpty)
        }
    }

    public func updateJobProgress(id: String, owner: String, done: Int, total: Int) async throws -> Bool {
        let now = clockSQL
        return try await database.write { connection in
            !(try connection.query(
                """
                UPDATE jobs SET progress_done = $3, progress_total = $4, updated_at = \(now)
                WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING id
                """,
                .text(id), .text(owner), SQLValue(done), SQLValue(total)).isEmpty)
        }
    }

    public func finishJob(id: String, owner: String, outcome: JobOutcome) async throws -> Bool {
        let now = clockSQL
        let columns: (state: String, result: String?, code: String?, message: String?) =
            switch outcome {
            case .succeeded(let text): ("succeeded", text, nil, nil)
            case .failed(let code, let message): ("failed", nil, code, message)
            }
        return try await database.write { connection in
            !(try connection.query(
                """
                UPDATE jobs SET state = $3, result = $4, error_code = $5, error_message = $6, lease_owner = NULL,
                    lease_expires_at = NULL, payload = '{}', finished_at = \(now), updated_at = \(now)
                WHERE id = $1 AND lease_owner = $2 AND state = 'running' RETURNING id
                """,
                .text(id), .text(owner), .text(columns.state), SQLValue(columns.result), SQLValue(columns.code),
                SQLValue(columns.message)).isEmpty)
        }
    }

    public func deleteFinishedJobs(olderThan age: Duration) async throws -> Int {
        let value = Self.offsetValue(.zero - age, backend: backend)
        let cutoff = clockSQL(plus: 1)
        return try await database.write { connection in
            try connection.query(
                "DELETE FROM jobs WHERE state IN ('succeeded', 'failed') AND finished_at < \(cutoff) RETURNING id", value
            ).count
        }
    }

    public func storedCompression(_ key: CompressionKey) async throws -> String? {
        try await database.read { connection in
            try connection.query(
                """
                SELECT result FROM compression_results
                WHERE content_key = $1 AND level = $2 AND model = $3 AND prompt_version = $4
                """,
                .text(key.contentKey), .text(key.level), .text(key.model), .text(key.promptVersion)
            ).first?["result"].string
        }
    }

    public func storeCompression(_ key: CompressionKey, sessionID: String?, result: String) async throws {
        let now = clockSQL
        try await database.write { connection in
            // A session deleted meanwhile keeps nothing derived from it.
            if let sessionID, try connection.query("SELECT 1 FROM sessions WHERE id = $1", .text(sessionID)).isEmpty { return }
            try connection.query(
                """
                INSERT INTO compression_results (content_key, level, model, prompt_version, session_id, result, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, \(now))
                ON CONFLICT (content_key, level, model, prompt_version)
                DO UPDATE SET result = excluded.result, session_id = excluded.session_id, created_at = excluded.created_at
                """,
                .text(key.contentKey), .text(key.level), .text(key.model), .text(key.promptVersion),
                SQLValue(sessionID), .text(result))
        }
    }

    /// The database's clock now, in the format its timestamps are stored in.
    private var clockSQL: String {
        backend == .postgres ? "clock_timestamp()" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    }

    /// The database's clock plus the offset bound as parameter `$parameter` (see ``offsetValue``).
    private func clockSQL(plus parameter: Int) -> String {
        backend == .postgres
            ? "clock_timestamp() + make_interval(secs => $\(parameter)::double precision)"
            : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', $\(parameter))"
    }

    /// An offset from now (negative: the past) as ``clockSQL(plus:)`` binds it: seconds for
    /// PostgreSQL; an SQLite date modifier such as `+1.500 seconds`.
    private static func offsetValue(_ offset: Duration, backend: StorageBackend) -> SQLValue {
        let seconds = offset / .seconds(1)
        return backend == .postgres ? .real(seconds) : .text(String(format: "%+.3f", seconds) + " seconds")
    }
}

enum JobRow {
    static let columns = """
        id, kind, state, work_key, payload, result, error_code, error_message, progress_done, progress_total, attempts,
        lease_owner, lease_expires_at, created_at, updated_at, started_at, finished_at
        """

    static func record(_ row: SQLRow) -> JobRecord {
        JobRecord(
            id: row["id"].string ?? "", kind: row["kind"].string ?? "",
            state: JobState(rawValue: row["state"].string ?? "") ?? .failed, workKey: row["work_key"].string ?? "",
            payload: row["payload"].string ?? "", result: row["result"].string, errorCode: row["error_code"].string,
            errorMessage: row["error_message"].string, progressDone: row["progress_done"].int ?? 0,
            progressTotal: row["progress_total"].int ?? 0, attempts: row["attempts"].int ?? 0,
            leaseOwner: row["lease_owner"].string, leaseExpiresAt: SessionRow.timestamp(row["lease_expires_at"]),
            createdAt: SessionRow.timestamp(row["created_at"]) ?? "", updatedAt: SessionRow.timestamp(row["updated_at"]) ?? "",
            startedAt: SessionRow.timestamp(row["started_at"]), finishedAt: SessionRow.timestamp(row["finished_at"]))
    }
}
