@testable import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Ollama
import OllamaStandIn
import Storage
import TestSupport
import Testing
import Transcript

/// `level: summary`, jobs and `GET /api/models`, against the stand-in Ollama over loopback HTTP.
@Suite("Summaries, jobs and models over a real socket")
struct SummaryRouteTests {
    /// A model with a small context, so that a modest session needs several parts.
    static let tiny = StandInModel(
        name: "tiny:1b", family: "llama", contextLength: 1024, capabilities: ["completion"], parameterSize: "1B",
        size: 700_000_000, embeddingLength: 16)

    /// The `fast` preset is the stand-in's small model; `balanced` keeps its default, which
    /// the stand-in does not have.
    static let environment = ["OLLAMA_MODEL_FAST": "tiny:1b", "OLLAMA_DEFAULT_PRESET": "fast", "JOBS_POLL_INTERVAL": "50ms"]

    /// A transcript of `requests` turns, each editing its own file, as Claude Code writes it.
    static func transcript(requests: Int, session: String = "sum-1") -> String {
        var lines: [[String: Any]] = []
        var parent: String?
        func add(_ type: String, _ message: [String: Any]) {
            let uuid = "\(session)-\(lines.count + 1)"
            var line: [String: Any] = [
                "type": type, "uuid": uuid, "sessionId": session, "cwd": "/repo", "gitBranch": "main",
                "timestamp": String(format: "2026-01-01T10:%02d:%02dZ", lines.count / 60, lines.count % 60), "message": message,
            ]
            if let parent { line["parentUuid"] = parent }
            lines.append(line)
            parent = uuid
        }
        for number in 1...requests {
            add("user", ["role": "user", "content": "Request \(number): make module \(number) keep its cache across restarts, "
                + "with the interface unchanged and a test for the restart case."])
            add("assistant", ["role": "assistant", "content": [["type": "text", "text":
                "Module \(number) keeps its cache in memory only; I will persist it on shutdown and load it at start."]]])
            add("assistant", ["role": "assistant", "content": [["type": "tool_use", "id": "t\(number)", "name": "Edit", "input": [
                "file_path": "/repo/Sources/Module\(number)/Cache.swift", "old_string": "var cache = [:]",
                "new_string": "var cache = CacheFile.load()"]]]])
            add("user", ["role": "user", "content": [["type": "tool_result", "tool_use_id": "t\(number)",
                                                      "content": "The file has been updated."]]])
        }
        return lines.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
    }

    static func reply(goal: String) -> String {
        let object: [String: Any] = [
            "goal": goal, "decisions": [["decision": "persist caches", "why": "restarts"]], "files": [], "errors": [],
            "open_todos": [], "next_step": "run the tests", "key_facts": [],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static let summaryReply: @Sendable (StandInPrompt) -> String = { prompt in
        reply(goal: prompt.lastUserText.hasPrefix("Merge") ? "merged goal" : "part goal")
    }

    /// A stand-in whose model tokenizes as the service estimates, and a client for it.
    static func withOllama(
        behaviour: StandInBehaviour = StandInBehaviour(reply: summaryReply),
        _ body: @Sendable (OllamaStandIn, OllamaClient) async throws -> Void
    ) async throws {
        var behaviour = behaviour
        if behaviour.honoursTruncate { behaviour.countPromptTokens = TokenEstimator.estimate }
        let server = try await OllamaStandIn.start(models: [tiny, .llama32], behaviour: behaviour)
        let client = OllamaClient(configuration: .init(baseURL: server.baseURL, timeout: .seconds(10), retryAttempts: 0))
        do {
            try await body(server, client)
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
        await client.shutdown()
        await server.stop()
    }

    /// A client for an Ollama that is down: the port of a stand-in that was stopped.
    /// A client of an Ollama that is not running: loopback port 1 (tcpmux), which nothing here
    /// serves. A stopped stand-in's port could be taken meanwhile by another test's server.
    static func downClient() -> OllamaClient {
        OllamaClient(configuration: .init(baseURL: "http://127.0.0.1:1", timeout: .seconds(2), retryAttempts: 0))
    }

    static func post(_ client: any TestClientProtocol, _ body: [String: Any]) async throws -> (TestResponse, [String: Any]) {
        try await CompressRouteTests.post(client, "/api/sessions/compress", body)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (TestResponse, [String: Any]) {
        let response = try await client.execute(uri: uri, method: .get, headers: TestApp.admin)
        return (response, (try? TestApp.json(response)) ?? [:])
    }

    static func code(_ body: [String: Any]) -> String? {
        (body["error"] as? [String: Any])?["code"] as? String
    }

    /// Polls a job until it has ended; fails the test after `limit`.
    static func finished(_ client: any TestClientProtocol, job id: String, limit: Duration = .seconds(20)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let (response, body) = try await get(client, "/api/jobs/\(id)")
            #expect(response.status == .ok)
            if body["state"] as? String == "succeeded" || body["state"] as? String == "failed" { return body }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("job \(id) did not end within \(limit)")
        return [:]
    }

    @Test("a stored session is summarised map-reduce, merged with its facts, stored, and reused without Ollama", arguments: TestDatabase.backends)
    func summaryAndReuse(backend: StorageBackend) async throws {
        try await Self.withOllama { server, ollama in
            try await TestApp.run(backend: backend, environment: Self.environment, ollama: ollama) { client, _, _ in
                let (upload, _) = try await IngestTests.upload(client, Array(Self.transcript(requests: 20).utf8))
                #expect(upload.status == .created)
                let (response, body) = try await Self.post(client, ["session_id": "sum-1", "level": "summary", "preset": "fast"])
                #expect(response.status == .ok, "\(body)")
                #expect(body["level"] as? String == "summary")
                #expect(body["model"] as? String == "tiny:1b")
                #expect(body["preset"] as? String == "fast")
                #expect(body["degraded"] as? Bool == false)
                #expect(body["reused"] as? Bool == false)
                #expect((body["text"] as? String)?.contains("merged goal") == true)
                let summary = try #require(body["summary"] as? [String: Any])
                #expect((summary["chunks"] as? Int ?? 0) >= 3, "\(summary)")
                #expect(summary["num_ctx"] as? Int == 1024)
                #expect(summary["prompt_version"] as? String == "summary-v1")
                #expect((summary["structured"] as? [String: Any])?["goal"] as? String == "merged goal")
                // The model named no file; the merged text still carries every one.
                let modelRecall = try #require(summary["summary_recall"] as? [String: Any])
                #expect((modelRecall["score"] as? Double ?? 1) < 1)
                let recall = try #require(body["recall"] as? [String: Any])
                #expect(recall["score"] as? Double == 1, "\(recall)")
                #expect((body["text"] as? String)?.contains("Sources/Module20/Cache.swift") == true)

                let chats = server.requests(to: "/api/chat").count
                let shows = server.requests(to: "/api/show").count
                #expect(chats == summary["calls"] as? Int)
                let (again, reused) = try await Self.post(
                    client, ["session_id": "sum-1", "level": "summary", "preset": "fast", "max_tokens": 10])
                #expect(again.status == .ok)
                #expect(reused["reused"] as? Bool == true)
                #expect(reused["max_tokens"] as? Int == 10)
                #expect(reused["fits_budget"] as? Bool == false)
                #expect(reused["text"] as? String == body["text"] as? String)
                #expect(server.requests(to: "/api/chat").count == chats, "a stored summary calls no model")
                #expect(server.requests(to: "/api/show").count == shows)

                // Another model is other work: not reused.
                let (other, otherBody) = try await Self.post(client, ["session_id": "sum-1", "level": "summary", "model": "llama3.2:3b"])
                #expect(other.status == .ok, "\(otherBody)")
                #expect(otherBody["reused"] as? Bool == false)
                #expect(otherBody["model"] as? String == "llama3.2:3b")
                #expect(otherBody["preset"] is NSNull)
                #expect(server.requests(to: "/api/chat").count > chats)
            }
        }
    }

    @Test("a summary that outlasts the wait answers 202; the job reports progress and the result", arguments: TestDatabase.backends)
    func backgroundJob(backend: StorageBackend) async throws {
        try await Self.withOllama { server, ollama in
            var environment = Self.environment
            environment["OLLAMA_SUMMARY_WAIT"] = "0s"
            try await TestApp.run(backend: backend, environment: environment, ollama: ollama) { client, _, _ in
                let content = Self.transcript(requests: 10, session: "posted")
                let (response, body) = try await Self.post(client, ["content": content, "level": "summary"])
                #expect(response.status == .accepted, "\(body)")
                let id = try #require(body["job_id"] as? String)
                #expect(response.headers[.location] == "/api/jobs/\(id)")
                #expect(body["status_url"] as? String == "/api/jobs/\(id)")
                #expect(["queued", "running"].contains(body["state"] as? String ?? ""))
                #expect(body["kind"] as? String == "summary")

                let job = try await Self.finished(client, job: id)
                #expect(job["state"] as? String == "succeeded", "\(job)")
                #expect(job["attempts"] as? Int == 1)
                let progress = try #require(job["progress"] as? [String: Any])
                #expect((progress["total"] as? Int ?? 0) > 1)
                #expect(progress["done"] as? Int == progress["total"] as? Int)
                let result = try #require(job["result"] as? [String: Any])
                #expect(result["level"] as? String == "summary")
                #expect(result["session_id"] as? String == "posted")
                #expect(job["error"] is NSNull)

                // The same content again: the stored result, at once.
                let chats = server.requests(to: "/api/chat").count
                let (again, reused) = try await Self.post(client, ["content": content, "level": "summary"])
                #expect(again.status == .ok)
                #expect(reused["reused"] as? Bool == true)
                #expect(server.requests(to: "/api/chat").count == chats)

                let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                #expect(metrics.contains(#"claude_code_jobs_total{kind="summary",outcome="succeeded"}"#))
                #expect(metrics.contains("claude_code_job_duration_seconds"))

                let (missing, missingBody) = try await Self.get(client, "/api/jobs/no-such-job")
                #expect(missing.status == .notFound)
                #expect(Self.code(missingBody) == "not_found")

                // Whoever may start a job may follow it; a read-only key may not.
                for (permission, expected) in [("write:sessions", HTTPResponse.Status.ok), ("read:sessions", .forbidden)] {
                    let created = try await client.execute(
                        uri: "/api/admin/keys", method: .post, headers: CompressRouteTests.json,
                        body: ByteBuffer(string: #"{"name": "k", "permissions": ["\#(permission)"]}"#))
                    let secret = try #require(try TestApp.json(created)["key"] as? String)
                    let answer = try await client.execute(uri: "/api/jobs/\(id)", method: .get, headers: [.init("X-API-Key")!: secret])
                    #expect(answer.status == expected, "\(permission)")
                }
            }
        }
    }

    @Test("a job whose worker died is picked up again once its lease expires", arguments: TestDatabase.backends)
    func deadWorker(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let storage = try database.openStorage()
        try await storage.migrate()
        _ = try await AdminKeyBootstrap.run(store: storage, configuredSecret: TestApp.adminSecret, configuredFile: nil)
        let content = Self.transcript(requests: 3, session: "orphan")
        let job = SummaryJob(
            sessionID: nil, content: content, choice: ModelChoice(model: "tiny:1b", preset: "fast"), maxTokens: nil,
            fallback: false, key: SummaryJob.contentKey(content: content, redact: true))
        _ = try await storage.enqueueJob(NewJob(id: "orphaned-job", kind: SummaryJob.kind, workKey: job.workKey, payload: try job.encoded()))
        // A replica claims it, then dies: it never renews, never finishes.
        let lease = Duration.seconds(3)
        let claimedAt = ContinuousClock.now
        let dead = try #require(try await storage.claimJob(owner: "dead-replica", lease: lease))
        #expect(dead.attempts == 1)

        try await Self.withOllama { server, ollama in
            try await TestApp.run(backend: backend, environment: Self.environment, storage: storage, ollama: ollama) { client, _, _ in
                let (early, earlyBody) = try await Self.get(client, "/api/jobs/orphaned-job")
                #expect(early.status == .ok)
                // While the dead replica's lease runs (with a margin for a slow machine), nobody takes the job.
                if ContinuousClock.now - claimedAt < lease - .seconds(1) {
                    #expect(earlyBody["state"] as? String == "running", "the dead replica's lease still runs")
                    #expect(earlyBody["attempts"] as? Int == 1)
                    #expect(server.requests(to: "/api/chat").isEmpty)
                }

                let body = try await Self.finished(client, job: "orphaned-job")
                #expect(body["state"] as? String == "succeeded", "\(body)")
                #expect(body["attempts"] as? Int == 2)
                #expect((body["result"] as? [String: Any])?["level"] as? String == "summary")
                #expect(try await storage.finishJob(id: "orphaned-job", owner: "dead-replica", outcome: .failed(code: "x", message: "y")) == false)
            }
        }
        await database.drop()
    }

    @Test("a prompt cut by Ollama is an error, not a summary of part of the session")
    func truncation() async throws {
        var behaviour = StandInBehaviour(honoursTruncate: false, reply: Self.summaryReply)
        behaviour.countPromptTokens = { 3 * TokenEstimator.estimate($0) }
        try await Self.withOllama(behaviour: behaviour) { _, ollama in
            try await TestApp.run(environment: Self.environment, ollama: ollama) { client, _, _ in
                let (response, body) = try await Self.post(client, ["content": Self.transcript(requests: 8), "level": "summary"])
                #expect(response.status == .badGateway, "\(body)")
                #expect(Self.code(body) == "prompt_truncated")
                #expect(CompressRouteTests.errorMessage(body).contains("evaluated 1024"))
            }
        }
    }

    @Test("a reply that breaks the schema is retried once, and the summary is made")
    func schemaRetry() async throws {
        let first = NIOLockedCounter()
        let behaviour = StandInBehaviour(reply: { prompt in
            first.next() == 1 ? #"{"goal": 7}"# : Self.summaryReply(prompt)
        })
        try await Self.withOllama(behaviour: behaviour) { _, ollama in
            try await TestApp.run(environment: Self.environment, ollama: ollama) { client, _, _ in
                let (response, body) = try await Self.post(client, ["content": Self.transcript(requests: 1), "level": "summary"])
                #expect(response.status == .ok, "\(body)")
                #expect((body["summary"] as? [String: Any])?["retries"] as? Int == 1)
            }
        }
    }

    @Test("a missing model is a 503 with its code, or a degraded digest with fallback", arguments: TestDatabase.backends)
    func missingModel(backend: StorageBackend) async throws {
        try await Self.withOllama { server, ollama in
            try await TestApp.run(backend: backend, environment: Self.environment, ollama: ollama) { client, _, _ in
                let content = Self.transcript(requests: 2)
                let (response, body) = try await Self.post(client, ["content": content, "level": "summary", "preset": "balanced"])
                #expect(response.status == .serviceUnavailable)
                #expect(Self.code(body) == "model_not_installed")
                #expect(CompressRouteTests.errorMessage(body).contains("llama3.1:8b"))

                let (degraded, digest) = try await Self.post(
                    client, ["content": content, "level": "summary", "model": "qwen9:99b", "fallback": true, "max_tokens": 500])
                #expect(degraded.status == .ok)
                #expect(digest["level"] as? String == "digest")
                #expect(digest["degraded"] as? Bool == true)
                #expect((digest["degraded_reason"] as? String)?.contains("qwen9:99b is not installed") == true)
                #expect((digest["output_tokens"] as? Int ?? .max) <= 500)
                #expect(server.requests(to: "/api/chat").isEmpty)
            }
        }
    }

    @Test("Ollama down or not configured: a 503 with its code, or with fallback a degraded digest")
    func ollamaAbsent() async throws {
        let down = Self.downClient()
        let content = Self.transcript(requests: 2)
        try await TestApp.run(environment: Self.environment, ollama: down) { client, _, _ in
            let (response, body) = try await Self.post(client, ["content": content, "level": "summary"])
            #expect(response.status == .serviceUnavailable)
            #expect(Self.code(body) == "ollama_unavailable")
            let (degraded, digest) = try await Self.post(client, ["content": content, "level": "summary", "fallback": true])
            #expect(degraded.status == .ok)
            #expect(digest["level"] as? String == "digest")
            #expect(digest["degraded"] as? Bool == true)
            #expect((digest["degraded_reason"] as? String)?.contains("unreachable") == true, "\(digest)")
            #expect((digest["text"] as? String)?.contains("# Session digest") == true)
        }
        await down.shutdown()
        try await TestApp.run(environment: Self.environment) { client, _, _ in
            let (response, body) = try await Self.post(client, ["content": content, "level": "summary"])
            #expect(response.status == .serviceUnavailable)
            #expect(Self.code(body) == "ollama_not_configured")
            let (degraded, digest) = try await Self.post(client, ["content": content, "level": "summary", "fallback": true])
            #expect(degraded.status == .ok)
            #expect(digest["degraded"] as? Bool == true)
            #expect((digest["degraded_reason"] as? String)?.contains("not configured") == true)
            // The deterministic levels are untouched.
            let (plain, plainBody) = try await Self.post(client, ["content": content, "level": "digest"])
            #expect(plain.status == .ok)
            #expect(plainBody["degraded"] as? Bool == false)
        }
    }

    @Test("GET /api/models lists installed models and the presets, and says plainly when Ollama is absent")
    func models() async throws {
        try await Self.withOllama { _, ollama in
            try await TestApp.run(environment: Self.environment, ollama: ollama) { client, _, _ in
                let (response, body) = try await Self.get(client, "/api/models")
                #expect(response.status == .ok)
                let names = (body["models"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(Set(names) == ["tiny:1b", "llama3.2:3b"])
                let presets = try #require(body["presets"] as? [String: [String: Any]])
                #expect(presets["fast"]?["model"] as? String == "tiny:1b")
                #expect(presets["fast"]?["installed"] as? Bool == true)
                #expect(presets["balanced"]?["model"] as? String == "llama3.1:8b")
                #expect(presets["balanced"]?["installed"] as? Bool == false)
                #expect(body["default_preset"] as? String == "fast")
                let state = try #require(body["ollama"] as? [String: Any])
                #expect(state["configured"] as? Bool == true && state["reachable"] as? Bool == true)
                let first = (body["models"] as? [[String: Any]])?.first { $0["name"] as? String == "llama3.2:3b" }
                #expect(first?["parameter_size"] as? String == "3.2B")
            }
        }
        try await TestApp.run(environment: Self.environment) { client, _, _ in
            let (response, body) = try await Self.get(client, "/api/models")
            #expect(response.status == .ok)
            let state = try #require(body["ollama"] as? [String: Any])
            #expect(state["configured"] as? Bool == false)
            #expect((state["error"] as? String)?.contains("not configured") == true)
            #expect((body["models"] as? [Any])?.isEmpty == true)
            let presets = try #require(body["presets"] as? [String: [String: Any]])
            #expect(presets["fast"]?["model"] as? String == "tiny:1b")
            #expect(presets["fast"]?["installed"] is NSNull)
        }
        let down = Self.downClient()
        try await TestApp.run(environment: Self.environment, ollama: down) { client, _, _ in
            let (_, body) = try await Self.get(client, "/api/models")
            let state = try #require(body["ollama"] as? [String: Any])
            #expect(state["configured"] as? Bool == true && state["reachable"] as? Bool == false)
            #expect((state["error"] as? String)?.contains("unreachable") == true)
        }
        await down.shutdown()
    }
}

/// Counts calls from the stand-in's reply closure, which runs on its request threads.
final class NIOLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
