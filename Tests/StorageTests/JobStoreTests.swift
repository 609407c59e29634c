import Foundation
import Storage
import TestSupport
import Testing

@Suite("Job store on both backends")
struct JobStoreTests {
    static func newJob(_ id: String, key: String = "work") -> NewJob {
        NewJob(id: id, kind: "summary", workKey: key, payload: #"{"n": 1}"#)
    }

    @Test("a job is claimed by one worker at a time, in queue order", arguments: TestDatabase.backends)
    func claimOrder(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            #expect(try await storage.claimJob(owner: "w1", lease: .seconds(30)) == nil)
            let first = try await storage.enqueueJob(Self.newJob("j1"))
            #expect(first.state == .queued && first.attempts == 0 && first.leaseOwner == nil)
            try await Task.sleep(for: .milliseconds(5))
            _ = try await storage.enqueueJob(Self.newJob("j2", key: "other"))

            let claimed = try #require(try await storage.claimJob(owner: "w1", lease: .seconds(30)))
            #expect(claimed.id == "j1")
            #expect(claimed.state == .running && claimed.attempts == 1 && claimed.leaseOwner == "w1")
            #expect(claimed.leaseExpiresAt != nil && claimed.startedAt != nil)
            #expect(try await storage.claimJob(owner: "w2", lease: .seconds(30))?.id == "j2")
            #expect(try await storage.claimJob(owner: "w3", lease: .seconds(30)) == nil)
            #expect(try await storage.activeJob(workKey: "work")?.id == "j1")
        }
    }

    @Test("concurrent claimers never share a job", arguments: TestDatabase.backends)
    func concurrentClaims(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend, poolSize: 6) { storage in
            for index in 0..<12 { _ = try await storage.enqueueJob(Self.newJob("c\(index)")) }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await storage.claimJob(owner: "w\(worker)", lease: .seconds(30)) { mine.append(job.id) }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == 12)
            #expect(Set(claims).count == 12)
        }
    }

    @Test("a job whose worker died is claimed again once its lease expires; the dead worker can no longer write", arguments: TestDatabase.backends)
    func expiredLease(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = try await storage.enqueueJob(Self.newJob("j1"))
            let dead = try #require(try await storage.claimJob(owner: "dead", lease: .seconds(1)))
            #expect(try await storage.updateJobProgress(id: dead.id, owner: "dead", done: 1, total: 4))
            // Still leased: nobody else gets it.
            #expect(try await storage.claimJob(owner: "alive", lease: .seconds(30)) == nil)
            try await Task.sleep(for: .milliseconds(1300))

            let again = try #require(try await storage.claimJob(owner: "alive", lease: .seconds(30)))
            #expect(again.id == "j1")
            #expect(again.attempts == 2)
            #expect(again.leaseOwner == "alive")
            #expect(again.progressDone == 1 && again.progressTotal == 4)
            // The presumed-dead worker wakes up: every write of its is refused.
            #expect(try await storage.renewJobLease(id: "j1", owner: "dead", lease: .seconds(30)) == false)
            #expect(try await storage.updateJobProgress(id: "j1", owner: "dead", done: 4, total: 4) == false)
            #expect(try await storage.finishJob(id: "j1", owner: "dead", outcome: .succeeded(result: "{}")) == false)

            #expect(try await storage.renewJobLease(id: "j1", owner: "alive", lease: .seconds(30)))
            #expect(try await storage.finishJob(id: "j1", owner: "alive", outcome: .succeeded(result: #"{"ok":true}"#)))
            let done = try #require(try await storage.job(id: "j1"))
            #expect(done.state == .succeeded)
            #expect(done.result == #"{"ok":true}"#)
            #expect(done.leaseOwner == nil && done.finishedAt != nil)
            #expect(done.payload == "{}", "a finished job keeps no copy of its input")
            #expect(try await storage.activeJob(workKey: "work") == nil)
            #expect(try await storage.claimJob(owner: "alive", lease: .seconds(30)) == nil)
        }
    }

    @Test("a renewed lease keeps the job; a job that kept losing its workers fails", arguments: TestDatabase.backends)
    func renewalAndExhaustion(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = try await storage.enqueueJob(Self.newJob("j1"))
            _ = try #require(try await storage.claimJob(owner: "w1", lease: .milliseconds(300)))
            try await Task.sleep(for: .milliseconds(150))
            #expect(try await storage.renewJobLease(id: "j1", owner: "w1", lease: .seconds(30)))
            try await Task.sleep(for: .milliseconds(250))
            #expect(try await storage.claimJob(owner: "w2", lease: .seconds(30)) == nil, "the renewed lease still runs")
            #expect(try await storage.renewJobLease(id: "j1", owner: "w1", lease: .milliseconds(1)))

            for attempt in 2...JobRecord.maxAttempts {
                try await Task.sleep(for: .milliseconds(20))
                let job = try #require(try await storage.claimJob(owner: "w\(attempt)", lease: .milliseconds(1)))
                #expect(job.attempts == attempt)
            }
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await storage.claimJob(owner: "last", lease: .seconds(30)) == nil)
            let failed = try #require(try await storage.job(id: "j1"))
            #expect(failed.state == .failed)
            #expect(failed.errorCode == "lease_expired")
        }
    }

    @Test("a failed job keeps its code and message", arguments: TestDatabase.backends)
    func failure(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = try await storage.enqueueJob(Self.newJob("j1"))
            _ = try await storage.claimJob(owner: "w", lease: .seconds(30))
            #expect(try await storage.finishJob(id: "j1", owner: "w", outcome: .failed(code: "prompt_truncated", message: "cut")))
            let job = try #require(try await storage.job(id: "j1"))
            #expect(job.state == .failed && job.errorCode == "prompt_truncated" && job.errorMessage == "cut" && job.result == nil)
            #expect(try await storage.job(id: "missing") == nil)
        }
    }

    @Test("ended jobs are deleted after their retention; queued and running ones never", arguments: TestDatabase.backends)
    func retention(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            // Apart in time, so that they are claimed in this order.
            for id in ["done", "broken", "running", "queued"] {
                _ = try await storage.enqueueJob(Self.newJob(id, key: id))
                try await Task.sleep(for: .milliseconds(5))
            }
            for (id, outcome) in [("done", JobOutcome.succeeded(result: "{}")), ("broken", .failed(code: "x", message: "y"))] {
                let job = try #require(try await storage.claimJob(owner: "w", lease: .seconds(30)))
                #expect(job.id == id)
                #expect(try await storage.finishJob(id: id, owner: "w", outcome: outcome))
            }
            _ = try await storage.claimJob(owner: "w", lease: .milliseconds(1))
            #expect(try await storage.deleteFinishedJobs(olderThan: .seconds(3600)) == 0)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await storage.deleteFinishedJobs(olderThan: .milliseconds(5)) == 2)
            #expect(try await storage.job(id: "done") == nil)
            #expect(try await storage.job(id: "broken") == nil)
            #expect(try await storage.job(id: "running")?.state == .running)
            #expect(try await storage.job(id: "queued")?.state == .queued)
        }
    }

    @Test("compression results are stored per key, replaced, and deleted with their session", arguments: TestDatabase.backends)
    func storedCompressions(backend: StorageBackend) async throws {
        try await TestDatabase.withMigratedStorage(backend) { storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let key = CompressionKey(contentKey: "session:abc", level: "summary", model: "llama3.2:3b", promptVersion: "v1")
            #expect(try await storage.storedCompression(key) == nil)
            try await storage.storeCompression(key, sessionID: "auth", result: "first")
            try await storage.storeCompression(key, sessionID: "auth", result: "second")
            #expect(try await storage.storedCompression(key) == "second")
            var otherModel = key
            otherModel.model = "llama3.1:8b"
            #expect(try await storage.storedCompression(otherModel) == nil)
            var otherPrompt = key
            otherPrompt.promptVersion = "v2"
            #expect(try await storage.storedCompression(otherPrompt) == nil)

            let posted = CompressionKey(contentKey: "content:xyz", level: "summary", model: "llama3.2:3b", promptVersion: "v1")
            try await storage.storeCompression(posted, sessionID: nil, result: "posted")
            #expect(try await storage.deleteSession(id: "auth"))
            #expect(try await storage.storedCompression(key) == nil)
            #expect(try await storage.storedCompression(posted) == "posted")
            // A session deleted before its result arrives keeps nothing.
            try await storage.storeCompression(key, sessionID: "auth", result: "late")
            #expect(try await storage.storedCompression(key) == nil)
        }
    }
}
