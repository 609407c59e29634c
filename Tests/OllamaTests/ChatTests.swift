import Foundation
import Ollama
import OllamaStandIn
import Testing

@Suite("Chat and generate over loopback")
struct ChatTests {
    @Test("a non-streamed chat returns the reply, done_reason, counts and nanosecond durations")
    func chat() async throws {
        let behaviour = StandInBehaviour(reply: { _ in "Paris is the capital of France." })
        try await withStandIn(behaviour: behaviour) { _, client in
            let response = try await client.chat(ChatRequest(
                model: "llama3.2:3b", messages: [.system("Answer briefly."), .user("What is the capital of France?")]))
            #expect(response.content == "Paris is the capital of France.")
            #expect(response.message.role == .assistant)
            #expect(response.done)
            #expect(response.doneReason == "stop")
            #expect(!response.truncated)
            #expect(response.metrics.promptEvalCount == 8)
            #expect(response.metrics.evalCount == 6)
            #expect(response.metrics.evalDuration == .nanoseconds(6 * 21_000_000))
            #expect(try #require(response.metrics.totalDuration) > .milliseconds(100))
            #expect(response.metrics.loadDuration == .nanoseconds(1_250_000))
        }
    }

    @Test("the request reaches Ollama with its wire names: stream, options, truncate, keep_alive, think, format")
    func wireFormat() async throws {
        try await withStandIn { server, client in
            let schema: JSONValue = [
                "type": "object", "properties": ["summary": ["type": "string"]], "required": ["summary"], "minProperties": 1,
            ]
            _ = try await client.chat(ChatRequest(
                model: "llama3.2:3b", messages: [.user("Summarise.")], format: .schema(schema),
                options: ModelOptions(numCtx: 8192, numPredict: 256, temperature: 0.2, seed: 42),
                truncate: false, keepAlive: .minutes(5), think: false))
            let sent = try #require(server.requests(to: "/api/chat").first)
            #expect(sent.contentType == "application/json")
            #expect(sent.value(at: "stream") as? Bool == false)
            #expect(sent.value(at: "truncate") as? Bool == false)
            #expect(sent.value(at: "think") as? Bool == false)
            #expect(sent.value(at: "keep_alive") as? Int == 300)
            #expect(sent.value(at: "options.num_ctx") as? Int == 8192)
            #expect(sent.value(at: "options.num_predict") as? Int == 256)
            #expect(sent.value(at: "options.temperature") as? Double == 0.2)
            #expect(sent.value(at: "options.seed") as? Int == 42)
            #expect(sent.value(at: "format.required") as? [String] == ["summary"])
            #expect(sent.bodyText.contains(#""minProperties":1"#))
            #expect(sent.value(at: "messages") as? [[String: String]] == [["role": "user", "content": "Summarise."]])
        }
    }

    @Test("replies can be scripted from the request, e.g. JSON matching the requested schema")
    func scriptedJSONReply() async throws {
        let behaviour = StandInBehaviour(reply: { prompt in
            guard case .schema(let schema) = prompt.format, schema.contains("summary") else { return "plain" }
            return #"{"summary": "\#(prompt.lastUserText.uppercased())"}"#
        })
        try await withStandIn(behaviour: behaviour) { _, client in
            let schema: JSONValue = ["type": "object", "properties": ["summary": ["type": "string"]]]
            let response = try await client.chat(ChatRequest(
                model: "llama3.2:3b", messages: [.user("fix the build")], format: .schema(schema)))
            let decoded = try JSONDecoder().decode([String: String].self, from: Data(response.content.utf8))
            #expect(decoded == ["summary": "FIX THE BUILD"])
            let plain = try await client.chat(ChatRequest(model: "llama3.2:3b", messages: [.user("hi")], format: .json))
            #expect(plain.content == "plain")
        }
    }

    @Test("a streamed chat yields its chunks in order, then a final chunk with the counts")
    func chatStream() async throws {
        let behaviour = StandInBehaviour(chunkDelay: .milliseconds(5), reply: { _ in "one two three four five" })
        try await withStandIn(behaviour: behaviour) { server, client in
            let request = ChatRequest(model: "llama3.2:3b", messages: [.user("count")])
            let (chunks, error) = await drain(client.chatStream(request))
            #expect(error == nil)
            #expect(chunks.map(\.content) == ["one ", "two ", "three ", "four ", "five", ""])
            #expect(chunks.dropLast().allSatisfy { !$0.done && $0.doneReason == nil })
            let last = try #require(chunks.last)
            #expect(last.done && last.doneReason == "stop")
            #expect(last.metrics.evalCount == 5 && last.metrics.promptEvalCount == 1)
            #expect(server.requests(to: "/api/chat").first?.value(at: "stream") as? Bool == true)
        }
    }

    @Test("an error line mid-stream under HTTP 200 surfaces as streamError after the chunks before it")
    func midStreamError() async throws {
        let behaviour = StandInBehaviour(streamErrorAfterChunks: 2, streamErrorMessage: "model runner crashed",
                                         reply: { _ in "a b c d e" })
        try await withStandIn(behaviour: behaviour) { _, client in
            let (chunks, error) = await drain(client.chatStream(ChatRequest(model: "llama3.2:3b", messages: [.user("go")])))
            #expect(chunks.map(\.content) == ["a ", "b "])
            #expect(error as? OllamaError == .streamError("model runner crashed"))
        }
    }

    @Test("chat and streams for a model that is not installed fail with modelNotFound")
    func modelNotFound() async throws {
        try await withStandIn { _, client in
            let request = ChatRequest(model: "llama3.2:8b", messages: [.user("hi")])
            await #expect(throws: OllamaError.modelNotFound("llama3.2:8b")) { try await client.chat(request) }
            let (chunks, error) = await drain(client.chatStream(request))
            #expect(chunks.isEmpty)
            #expect(error as? OllamaError == .modelNotFound("llama3.2:8b"))
        }
    }

    @Test("generate answers with and without streaming")
    func generate() async throws {
        let behaviour = StandInBehaviour(reply: { prompt in "echo: \(prompt.lastUserText)" })
        try await withStandIn(behaviour: behaviour) { server, client in
            let request = GenerateRequest(model: "qwen3:8b", prompt: "hello there", system: "be terse", think: true)
            let whole = try await client.generate(request)
            #expect(whole.response == "echo: hello there")
            #expect(whole.doneReason == "stop")
            #expect(whole.metrics.promptEvalCount == 4)
            let (chunks, error) = await drain(client.generateStream(request))
            #expect(error == nil)
            #expect(chunks.map(\.response).joined() == "echo: hello there")
            #expect(chunks.last?.done == true)
            #expect(server.requests(to: "/api/generate").first?.value(at: "system") as? String == "be terse")
        }
    }

    @Test("asking a model without the capability to think is a 400, not retried")
    func thinkingUnsupported() async throws {
        try await withStandIn(retryAttempts: 3) { server, client in
            await #expect(throws: OllamaError.http(status: 400, message: #""llama3.2:3b" does not support thinking"#)) {
                try await client.chat(ChatRequest(model: "llama3.2:3b", messages: [.user("hi")], think: true))
            }
            #expect(server.requests(to: "/api/chat").count == 1)
        }
    }
}
