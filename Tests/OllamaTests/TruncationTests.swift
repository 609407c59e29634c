import Ollama
import OllamaStandIn
import Testing

@Suite("Truncated input and output are detected")
struct TruncationTests {
    @Test("done_reason length is flagged, and requireComplete throws")
    func outputCutAtNumPredict() async throws {
        let behaviour = StandInBehaviour(reply: { _ in words(50, "word") })
        try await withStandIn(behaviour: behaviour) { _, client in
            let request = ChatRequest(
                model: "llama3.2:3b", messages: [.user("write a lot")], options: ModelOptions(numPredict: 10))
            let response = try await client.chat(request)
            #expect(response.truncated)
            #expect(response.doneReason == "length")
            #expect(response.metrics.evalCount == 10)
            #expect(throws: OllamaError.outputTruncated(generated: 10)) { try response.requireComplete() }

            let (chunks, _) = await drain(client.chatStream(request))
            #expect(chunks.count == 11)
            #expect(chunks.last?.truncated == true)

            let whole = try await client.chat(ChatRequest(model: "llama3.2:3b", messages: [.user("write")]))
            #expect(!whole.truncated)
            try whole.requireComplete()
        }
    }

    @Test("a prompt longer than num_ctx is silently cut; prompt_eval_count reveals it")
    func silentPromptTruncation() async throws {
        try await withStandIn { _, client in
            let prompt = words(300)
            let response = try await client.chat(ChatRequest(
                model: "llama3.2:3b", messages: [.user(prompt)], options: ModelOptions(numCtx: 128)))
            #expect(response.metrics.promptEvalCount == 128)
            #expect(throws: OllamaError.promptTruncated(sent: 300, evaluated: 128)) {
                try response.checkPrompt(sentTokens: 300)
            }
            #expect(throws: OllamaError.promptTruncated(sent: 300, evaluated: 128)) {
                try response.checkPrompt(sentTokens: 300, numCtx: 128, tolerance: 0.9)
            }

            let fits = try await client.chat(ChatRequest(
                model: "llama3.2:3b", messages: [.user(words(100))], options: ModelOptions(numCtx: 128)))
            try fits.checkPrompt(sentTokens: 100)
            // An estimate a little above the real count is not mistaken for truncation.
            try fits.checkPrompt(sentTokens: 110)
        }
    }

    @Test("the server default context applies when the request sets no num_ctx")
    func defaultContext() async throws {
        try await withStandIn(behaviour: StandInBehaviour(defaultNumCtx: 64)) { _, client in
            let response = try await client.generate(GenerateRequest(model: "llama3.2:3b", prompt: words(100)))
            #expect(response.metrics.promptEvalCount == 64)
            #expect(throws: OllamaError.promptTruncated(sent: 100, evaluated: 64)) {
                try response.checkPrompt(sentTokens: 100)
            }
        }
    }

    @Test("truncate false makes an over-long prompt a 400 instead, which is not retried")
    func truncateFalseRejects() async throws {
        try await withStandIn(retryAttempts: 3) { server, client in
            let request = ChatRequest(
                model: "llama3.2:3b", messages: [.user(words(300))], options: ModelOptions(numCtx: 128), truncate: false)
            await #expect(throws: OllamaError.http(status: 400, message: "input length exceeds the context length")) {
                try await client.chat(request)
            }
            #expect(server.requests(to: "/api/chat").count == 1)
            let (_, error) = await drain(client.chatStream(request))
            #expect(error as? OllamaError == .http(status: 400, message: "input length exceeds the context length"))
        }
    }

    @Test("the truncation rule: tolerance for estimates, certainty at the context size")
    func truncationRule() {
        let check = PromptTruncationCheck(tolerance: 0.2)
        #expect(check.verdict(sent: 1000, evaluated: 850) == nil)
        #expect(check.verdict(sent: 1000, evaluated: 700) == .promptTruncated(sent: 1000, evaluated: 700))
        #expect(check.verdict(sent: 1000, evaluated: nil) == nil)
        #expect(check.verdict(sent: 0, evaluated: 12) == nil)
        #expect(check.verdict(sent: 4200, evaluated: 4096, numCtx: 4096) == .promptTruncated(sent: 4200, evaluated: 4096))
        #expect(check.verdict(sent: 4200, evaluated: 3900, numCtx: 8192) == nil)
    }
}
