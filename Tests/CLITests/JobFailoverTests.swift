import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OllamaStandIn
import Storage
import TestSupport
import Testing
import Transcript

@Suite("Summary jobs survive a killed replica")
struct JobFailoverTests {
    static func request(_ url: String, method: String = "GET", key: String, body: [String: Any]? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// One request of a Claude Code transcript, as JSONL.
    static let transcript = """
        {"type":"user","uuid":"u1","sessionId":"failover","cwd":"/repo","timestamp":"2026-01-01T10:00:00Z","message":{"role":"user","content":"Make the cache survive restarts."}}
        {"type":"assistant","uuid":"u2","parentUuid":"u1","sessionId":"failover","cwd":"/repo","timestamp":"2026-01-01T10:00:01Z","message":{"role":"assistant","content":[{"type":"text","text":"I will persist it on shutdown."}]}}

        """

    @Test("kill -9 the replica running a summary: another replica takes the job once the lease runs out",
          arguments: TestDatabase.backends)
    func killedReplica(backend: StorageBackend) async throws {
        let reply = #"{"goal":"persist the cache","decisions":[],"files":[],"errors":[],"open_todos":[],"next_step":"test it","key_facts":[]}"#
        // Every Ollama answer takes a while, so the job is still running when its replica dies.
        let ollama = try await OllamaStandIn.start(
            models: [StandInModel.llama32],
            behaviour: StandInBehaviour(delay: .milliseconds(800), countPromptTokens: TokenEstimator.estimate, reply: { _ in reply }))
        let database = try await TestDatabase.migratedByCLI(backend)
        let key = try await CLIProcess.run(["keys", "generate"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let environment = database.environment.merging([
            "SERVER_HOST": "127.0.0.1", "SERVER_PORT": "0", "ADMIN_API_KEY": key, "OLLAMA_HOST": ollama.baseURL,
            "OLLAMA_MODEL_FAST": "llama3.2:3b", "OLLAMA_DEFAULT_PRESET": "fast", "OLLAMA_RETRY_ATTEMPTS": "0",
            "OLLAMA_SUMMARY_WAIT": "0s", "JOBS_LEASE": "1s", "JOBS_POLL_INTERVAL": "100ms", "DATABASE_AUTO_MIGRATE": "true",
        ]) { $1 }

        let first = try CLIProcess(["serve"], environment: environment)
        let firstURL = "http://127.0.0.1:\(try await ServeCommandTests.port(of: first))"
        let (status, queued) = try await Self.request(
            firstURL + "/api/sessions/compress", method: "POST", key: key, body: ["content": Self.transcript, "level": "summary"])
        #expect(status == 202, "\(queued)")
        let id = try #require(queued["job_id"] as? String)
        // The first replica has claimed it and is waiting on Ollama; then it dies.
        let deadline = ContinuousClock.now + .seconds(10)
        var running: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            running = try await Self.request(firstURL + "/api/jobs/\(id)", key: key).1
            if running["state"] as? String == "running" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(running["state"] as? String == "running")
        #expect(running["attempts"] as? Int == 1)
        first.signal(SIGKILL)
        _ = try await first.wait()

        let second = try CLIProcess(["serve"], environment: environment)
        let secondURL = "http://127.0.0.1:\(try await ServeCommandTests.port(of: second))"
        var job: [String: Any] = [:]
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            job = try await Self.request(secondURL + "/api/jobs/\(id)", key: key).1
            if job["state"] as? String == "succeeded" || job["state"] as? String == "failed" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(job["state"] as? String == "succeeded", "\(job)")
        #expect(job["attempts"] as? Int == 2)
        let result = try #require(job["result"] as? [String: Any])
        #expect(result["level"] as? String == "summary")
        #expect((result["text"] as? String)?.contains("persist the cache") == true)
        #expect(second.standardOutput.contains("\"msg\":\"job started\""))

        #expect(try await second.terminate() == 0)
        await ollama.stop()
        await database.drop()
    }
}
