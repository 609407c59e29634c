import Compression
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Storage

/// Runs queued jobs on this replica, one at a time: claims one under a lease, renews the
/// lease while it works, and records progress and the outcome. Any replica runs any job;
/// a job whose replica died is claimed again once its lease runs out.
struct JobWorker: Service {
    let store: any JobStore
    let summaries: SummaryService
    /// This replica, as lease owner.
    let owner: String
    let lease: Duration
    let pollInterval: Duration
    let doorbell: Doorbell
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastPurge = ContinuousClock.now - Self.purgeInterval
            while !Task.isCancelled {
                if ContinuousClock.now - lastPurge >= Self.purgeInterval {
                    lastPurge = ContinuousClock.now
                    await purge()
                }
                if let job = await claim() {
                    await execute(job)
                } else {
                    await doorbell.wait(upTo: pollInterval)
                }
            }
        }
    }

    /// How often a worker deletes jobs that ended more than ``JobRecord/retention`` ago.
    static let purgeInterval: Duration = .seconds(3600)

    private func purge() async {
        do {
            let deleted = try await store.deleteFinishedJobs(olderThan: JobRecord.retention)
            if deleted > 0 { logger.info("old jobs deleted", metadata: ["count": "\(deleted)"]) }
        } catch {
            logger.debug("old jobs not deleted", metadata: ["error": "\(error)"])
        }
    }

    private func claim() async -> JobRecord? {
        do {
            return try await store.claimJob(owner: owner, lease: lease)
        } catch {
            // The jobs table may not exist yet on a schema still to be migrated.
            logger.debug("no job claimed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Runs one claimed job. The work is cancelled when the lease is lost: another replica
    /// owns the job then, and this one's answer would be refused anyway.
    func execute(_ job: JobRecord) async {
        logger.info("job started", metadata: ["job_id": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)"])
        let started = ContinuousClock.now
        let (store, owner, lease, logger) = (self.store, self.owner, self.lease, self.logger)
        let work = Task { [summaries] () async -> JobOutcome in
            guard job.kind == SummaryJob.kind, let payload = SummaryJob.decode(job.payload) else {
                return .failed(code: "invalid_job", message: "job \(job.id) of kind \(job.kind) cannot be run")
            }
            do {
                let response = try await summaries.perform(payload) { progress in
                    _ = try? await store.updateJobProgress(id: job.id, owner: owner, done: progress.done, total: progress.total)
                }
                return .succeeded(result: try SummaryService.encode(response))
            } catch let error as APIError {
                return .failed(code: error.code, message: error.message)
            } catch {
                logger.error("job failed", metadata: ["job_id": "\(job.id)", "error": "\(error)"])
                return .failed(code: "internal_error", message: "the job failed on an internal error")
            }
        }
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: lease / 3)
                if Task.isCancelled { return }
                if (try? await store.renewJobLease(id: job.id, owner: owner, lease: lease)) == false {
                    logger.warning("job lease lost", metadata: ["job_id": "\(job.id)"])
                    work.cancel()
                    return
                }
            }
        }
        let outcome = await withTaskCancellationHandler { await work.value } onCancel: { work.cancel() }
        heartbeat.cancel()
        // Shutting down: the cut-off work is no outcome. The lease runs out and another
        // replica (or this one, restarted) takes the job again.
        if Task.isCancelled {
            logger.info("job left to another replica", metadata: ["job_id": "\(job.id)"])
            Self.count(job, "abandoned", since: started)
            return
        }
        let recorded = (try? await store.finishJob(id: job.id, owner: owner, outcome: outcome)) ?? false
        var ended: Logger.Metadata = ["job_id": "\(job.id)", "outcome": "\(Self.describe(outcome))", "recorded": "\(recorded)"]
        if case .failed(let code, _) = outcome { ended["error_code"] = "\(code)" }
        logger.info("job ended", metadata: ended)
        Self.count(job, recorded ? Self.describe(outcome) : "lease_lost", since: started)
    }

    /// A lease owner name unique to this process: host, process id and a random part.
    static func replicaName() -> String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8).lowercased())"
    }

    private static func describe(_ outcome: JobOutcome) -> String {
        switch outcome {
        case .succeeded: return "succeeded"
        case .failed: return "failed"
        }
    }

    /// `claude_code_jobs_total{kind, outcome}` and `claude_code_job_duration_seconds{kind}`.
    private static func count(_ job: JobRecord, _ outcome: String, since start: ContinuousClock.Instant) {
        Counter(label: "claude_code_jobs_total", dimensions: [("kind", job.kind), ("outcome", outcome)]).increment()
        let elapsed = ContinuousClock.now - start
        Metrics.Timer(label: "claude_code_job_duration_seconds", dimensions: [("kind", job.kind)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
