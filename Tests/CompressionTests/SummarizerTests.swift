import Compression
import Foundation
import Ollama
import OllamaStandIn
import Testing
import Transcript

/// The `summary` level against the stand-in Ollama over loopback HTTP.
@Suite("Summaries through Ollama")
struct SummarizerTests {
    /// A model with a small context, so that a modest session needs several parts.
    static let tiny = StandInModel(
        name: "tiny:1b", family: "llama", contextLength: 1024, capabilities: ["completion"], parameterSize: "1B",
        size: 700_000_000, embeddingLength: 16)

    /// A session of `requests` turns, each editing its own file and failing one command.
    static func session(requests: Int) -> TranscriptBuilder {
        var t = TranscriptBuilder()
        for number in 1...requests {
            t.user("Request \(number): rework module \(number) so that its cache survives restarts, "
                + "keeping the public interface unchanged and adding a test for the restart case.")
            t.assistant("Module \(number) keeps its cache in memory only. I will persist it to disk on shutdown "
                + "and load it at start, behind the existing interface, then add the test you asked for.")
            t.tool("Edit", ["file_path": "/repo/Sources/Module\(number)/Cache.swift", "old_string": "var cache = [:]",
                            "new_string": "var cache = CacheFile.load()"],
                   result: "The file /repo/Sources/Module\(number)/Cache.swift has been updated.")
            t.tool("Bash", ["command": "swift test --filter Module\(number)Tests"],
                   result: "error: no tests matched Module\(number)Tests", error: number % 4 == 0)
        }
        t.tool("TodoWrite", ["todos": [["content": "Benchmark the cache load at start", "status": "pending", "activeForm": "Benchmarking"]]],
               result: "Todos have been modified successfully.")
        return t
    }

    /// A reply of the summary schema; only the goal and next step filled in.
    static func reply(goal: String, next: String = "run the tests") -> String {
        let object: [String: Any] = [
            "goal": goal, "decisions": [["decision": "persist caches to disk", "why": "they must survive restarts"]],
            "files": [], "errors": [], "open_todos": [], "next_step": next, "key_facts": ["uses Swift"],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Replies to parts with the part's number as the goal, and to merges with "merged".
    static let echoingReply: @Sendable (StandInPrompt) -> String = { prompt in
        let text = prompt.lastUserText
        if text.hasPrefix("Merge") { return reply(goal: "merged") }
        let part = text.split(separator: ":").first.map(String.init) ?? "part"
        return reply(goal: part)
    }

    static func withServer<T>(
        models: [StandInModel] = [tiny], behaviour: StandInBehaviour,
        _ body: (OllamaStandIn, OllamaClient) async throws -> T
    ) async throws -> T {
        var behaviour = behaviour
        // The stand-in model tokenizes as the service estimates, as a well-matched model would.
        behaviour.countPromptTokens = TokenEstimator.estimate
        let server = try await OllamaStandIn.start(models: models, behaviour: behaviour)
        let client = OllamaClient(configuration: .init(baseURL: server.baseURL, timeout: .seconds(10), retryAttempts: 0))
        do {
            let result = try await body(server, client)
            await client.shutdown()
            await server.stop()
            return result
        } catch {
            await client.shutdown()
            await server.stop()
            throw error
        }
    }

    final class Progresses: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [SummaryProgress] = []
        func add(_ progress: SummaryProgress) { lock.withLock { seen.append(progress) } }
        var all: [SummaryProgress] { lock.withLock { seen } }
    }

    @Test("a session longer than the context is summarised in parts, then merged; every request sets num_ctx and truncate false")
    func mapReduce() async throws {
        try await Self.withServer(behaviour: StandInBehaviour(reply: Self.echoingReply)) { server, client in
            let conversation = Self.session(requests: 16).conversation
            let progress = Progresses()
            let result = try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                .summarize(conversation) { progress.add($0) }

            #expect(result.chunks >= 3, "the session should not fit one prompt of a 1024-token context")
            #expect(result.numCtx == 1024)
            let chats = server.requests(to: "/api/chat")
            #expect(chats.count == result.calls)
            #expect(chats.count > result.chunks, "the parts are merged by further requests")
            #expect(server.requests(to: "/api/show").count == 1)
            for chat in chats {
                #expect(chat.value(at: "options.num_ctx") as? Int == 1024)
                #expect(chat.value(at: "truncate") as? Bool == false)
                #expect(chat.value(at: "format.properties.next_step.type") as? String == "string")
                let messages = try #require(chat.json?["messages"] as? [[String: Any]])
                let tokens = messages.reduce(0) { $0 + TokenEstimator.estimate($1["content"] as? String ?? "") }
                #expect(tokens + 256 <= 1024, "every prompt leaves room for the answer")
            }
            // Every part went to the model, in order.
            let parts = chats.compactMap { ($0.json?["messages"] as? [[String: Any]])?.last?["content"] as? String }
                .filter { $0.hasPrefix("Summarise part") }
            #expect(parts.count == result.chunks)
            #expect(parts.first?.hasPrefix("Summarise part 1 of \(result.chunks)") == true)
            #expect(parts.joined().contains("Request 16: rework module 16"))

            #expect(result.reply.goal == "merged")
            #expect(result.text.contains("## Goal\nmerged"))
            #expect(result.text.contains("persist caches to disk — because they must survive restarts"))
            // The model named no file; the merge adds every one, so recall is whole.
            #expect(result.summaryRecall.score < 0.5)
            #expect(result.summaryRecall.dropped.contains { $0.kind == .fileModified })
            #expect(result.recall.score == 1, "\(result.recall.dropped)")
            #expect(result.text.contains("`Sources/Module16/Cache.swift`"))
            #expect(result.text.contains("Benchmark the cache load at start"))
            #expect(result.outputTokens > 0 && result.inputTokens > result.outputTokens)

            let reports = progress.all
            #expect(reports.first == SummaryProgress(done: 0, total: result.chunks + 1))
            #expect(reports.last == SummaryProgress(done: result.chunks + 1, total: result.chunks + 1))
        }
    }

    @Test("a session that fits one prompt takes one request and no merge")
    func singlePart() async throws {
        try await Self.withServer(behaviour: StandInBehaviour(reply: Self.echoingReply)) { server, client in
            let result = try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                .summarize(Self.session(requests: 1).conversation)
            #expect(result.chunks == 1)
            #expect(server.requests(to: "/api/chat").count == 1)
            #expect(result.reply.goal == "Summarise the whole session")
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    @Test("a reply that does not match the schema is retried once with the problem named")
    func schemaRetry() async throws {
        let counter = Counter()
        let behaviour = StandInBehaviour(reply: { _ in
            counter.next() == 1 ? #"{"goal": "half a summary", "files": "none"}"# : Self.reply(goal: "second try")
        })
        try await Self.withServer(behaviour: behaviour) { server, client in
            let result = try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                .summarize(Self.session(requests: 1).conversation)
            #expect(result.reply.goal == "second try")
            #expect(result.retries == 1)
            let chats = server.requests(to: "/api/chat")
            #expect(chats.count == 2)
            let retry = (chats[1].json?["messages"] as? [[String: Any]])?.last?["content"] as? String ?? ""
            #expect(retry.contains("did not match the JSON schema"))
            #expect(retry.contains("$.decisions: missing"))
        }
    }

    @Test("a reply invalid twice is an error, not a summary")
    func schemaInvalidTwice() async throws {
        try await Self.withServer(behaviour: StandInBehaviour(reply: { _ in "not json at all" })) { server, client in
            await #expect(throws: SummaryError.invalidReply(["the reply is not JSON"])) {
                try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                    .summarize(Self.session(requests: 1).conversation)
            }
            #expect(server.requests(to: "/api/chat").count == 2)
        }
    }

    @Test("a prompt Ollama cut silently is caught by prompt_eval_count and reported as an error")
    func silentTruncation() async throws {
        // An Ollama that ignores truncate:false, and a model whose tokenizer makes three
        // times the tokens the service estimates: the prompt overflows and is cut.
        var behaviour = StandInBehaviour(honoursTruncate: false, reply: Self.echoingReply)
        behaviour.countPromptTokens = { 3 * TokenEstimator.estimate($0) }
        let server = try await OllamaStandIn.start(models: [Self.tiny], behaviour: behaviour)
        let client = OllamaClient(configuration: .init(baseURL: server.baseURL, timeout: .seconds(10), retryAttempts: 0))
        defer { Task { await client.shutdown(); await server.stop() } }
        do {
            _ = try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                .summarize(Self.session(requests: 16).conversation)
            Issue.record("a summary of a cut prompt was returned")
        } catch {
            guard case .promptTruncated(_, let evaluated, let numCtx) = error else {
                Issue.record("expected promptTruncated, got \(error)")
                return
            }
            #expect(evaluated == 1024)
            #expect(numCtx == 1024)
        }
        #expect(server.requests(to: "/api/chat").count == 1, "no further part is sent once one was cut")
    }

    @Test("an Ollama that honours truncate:false refuses the prompt, which is the same error")
    func refusedPrompt() async throws {
        var behaviour = StandInBehaviour(reply: Self.echoingReply)
        behaviour.countPromptTokens = { 3 * TokenEstimator.estimate($0) }
        let server = try await OllamaStandIn.start(models: [Self.tiny], behaviour: behaviour)
        let client = OllamaClient(configuration: .init(baseURL: server.baseURL, timeout: .seconds(10), retryAttempts: 0))
        defer { Task { await client.shutdown(); await server.stop() } }
        do {
            _ = try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                .summarize(Self.session(requests: 16).conversation)
            Issue.record("a summary was returned")
        } catch {
            guard case .promptTruncated(_, nil, 1024) = error else {
                Issue.record("expected promptTruncated without a count, got \(error)")
                return
            }
            #expect(error.code == "prompt_truncated")
        }
    }

    @Test("a model that is not installed, and an Ollama that is down, are told apart")
    func missingModelAndDownServer() async throws {
        try await Self.withServer(behaviour: StandInBehaviour()) { _, client in
            await #expect(throws: SummaryError.modelNotInstalled("llama3.1:8b")) {
                try await Summarizer(client: client, options: SummaryOptions(model: "llama3.1:8b"))
                    .summarize(Self.session(requests: 1).conversation)
            }
        }
        // A port nothing listens on: the stand-in, stopped.
        let server = try await OllamaStandIn.start()
        let url = server.baseURL
        await server.stop()
        let client = OllamaClient(configuration: .init(baseURL: url, timeout: .seconds(2), retryAttempts: 0))
        do {
            _ = try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                .summarize(Self.session(requests: 1).conversation)
            Issue.record("a summary came from a stopped server")
        } catch {
            #expect(error.code == "ollama_unavailable")
            #expect(error.isUnavailability)
        }
        await client.shutdown()
    }

    @Test("a conversation without text to summarise asks nothing of Ollama")
    func nothingToSummarize() async throws {
        var t = TranscriptBuilder()
        t.thinking("only thinking, which no level keeps")
        let conversation = t.conversation
        try #require(!conversation.entries.isEmpty)
        try await Self.withServer(behaviour: StandInBehaviour(reply: Self.echoingReply)) { server, client in
            await #expect(throws: SummaryError.nothingToSummarize) {
                try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b")).summarize(conversation)
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test("a reply cut at num_predict is retried, then reported")
    func replyCut() async throws {
        let long = Array(repeating: "word", count: 2000).joined(separator: " ")
        try await Self.withServer(behaviour: StandInBehaviour(reply: { _ in long })) { server, client in
            await #expect(throws: SummaryError.replyTruncated(generated: 256)) {
                try await Summarizer(client: client, options: SummaryOptions(model: "tiny:1b"))
                    .summarize(Self.session(requests: 1).conversation)
            }
            #expect(server.requests(to: "/api/chat").count == 2)
        }
    }
}
