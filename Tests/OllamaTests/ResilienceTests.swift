import Ollama
import OllamaStandIn
import Testing

@Suite("Timeouts, retries, circuit breaker and unreachable servers")
struct ResilienceTests {
    private let hello = ChatRequest(model: "llama3.2:3b", messages: [.user("hello")])

    @Test("a slow answer times out at the configured limit")
    func timeout() async throws {
        // Bounds far apart (0.4 s limit, 60 s answer), so a slow machine cannot blur them.
        try await withStandIn(behaviour: StandInBehaviour(delay: .seconds(60)), timeout: .milliseconds(400)) { _, client in
            let start = ContinuousClock.now
            await #expect(throws: OllamaError.timeout) { try await client.chat(hello) }
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test("a stream that goes silent times out, keeping the chunks that came")
    func streamIdleTimeout() async throws {
        try await withStandIn(timeout: .seconds(1)) { server, client in
            server.updateBehaviour { $0.chunkDelay = .seconds(60) }
            let start = ContinuousClock.now
            let (chunks, error) = await drain(client.chatStream(hello))
            #expect(error as? OllamaError == .timeout)
            #expect(chunks.count == 1)
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test("a stream whose chunks keep coming outlives the timeout")
    func streamOutlivesTimeout() async throws {
        // Ten gaps of 0.5 s: the whole stream takes longer than the 3 s limit, no gap does.
        let behaviour = StandInBehaviour(chunkDelay: .milliseconds(500), reply: { _ in words(10) })
        try await withStandIn(behaviour: behaviour, timeout: .seconds(3)) { _, client in
            let (chunks, error) = await drain(client.chatStream(hello))
            #expect(error == nil)
            #expect(chunks.count == 11)
        }
    }

    @Test("transient 500s are retried until the call succeeds")
    func retriesTransientFailures() async throws {
        try await withStandIn(behaviour: StandInBehaviour(failNextRequests: 2), retryAttempts: 2) { server, client in
            let response = try await client.chat(hello)
            #expect(response.done)
            #expect(server.requests(to: "/api/chat").count == 3)
        }
    }

    @Test("retries give up after retryAttempts and report the last failure")
    func retriesExhausted() async throws {
        let behaviour = StandInBehaviour(failNextRequests: 5, failureStatus: 503, failureMessage: "server busy")
        try await withStandIn(behaviour: behaviour, retryAttempts: 1) { server, client in
            await #expect(throws: OllamaError.http(status: 503, message: "server busy")) { try await client.tags() }
            #expect(server.requests(to: "/api/tags").count == 2)
        }
    }

    @Test("4xx answers are not retried")
    func noRetryOn4xx() async throws {
        try await withStandIn(retryAttempts: 3) { server, client in
            await #expect(throws: OllamaError.modelNotFound("missing:1b")) {
                try await client.chat(ChatRequest(model: "missing:1b", messages: [.user("hi")]))
            }
            #expect(server.requests(to: "/api/chat").count == 1)
        }
    }

    @Test("streams are never retried")
    func noRetryOnStreams() async throws {
        try await withStandIn(behaviour: StandInBehaviour(failNextRequests: 1), retryAttempts: 3) { server, client in
            let (_, error) = await drain(client.chatStream(hello))
            #expect((error as? OllamaError)?.isTransient == true)
            #expect(server.requests(to: "/api/chat").count == 1)
        }
    }

    @Test("the circuit opens after the threshold, fails fast, then half-opens and closes on a good trial")
    func circuitBreaker() async throws {
        try await withStandIn(
            behaviour: StandInBehaviour(failNextRequests: 2), breakerThreshold: 2, breakerCoolDown: .milliseconds(600)
        ) { server, client in
            for _ in 0..<2 {
                let crash = OllamaError.http(status: 500, message: "llama runner process has terminated: exit status 2")
                await #expect(throws: crash) { try await client.chat(hello) }
            }
            #expect(client.circuitState == .open)
            let fastFailure = await #expect(throws: OllamaError.self) { try await client.chat(hello) }
            let retryAfter = try #require(fastFailure?.circuitRetryAfter)
            #expect(retryAfter > .zero && retryAfter <= .milliseconds(600))
            let (_, streamError) = await drain(client.chatStream(hello))
            #expect((streamError as? OllamaError)?.circuitRetryAfter != nil)
            #expect(server.requests(to: "/api/chat").count == 2)
            // Health probes bypass the breaker and still see Ollama.
            let status = await client.ping()
            #expect(status.reachable)

            try await Task.sleep(for: .milliseconds(700))
            #expect(client.circuitState == .halfOpen)
            let trial = try await client.chat(hello)
            #expect(trial.done)
            #expect(client.circuitState == .closed)
            #expect(server.requests(to: "/api/chat").count == 3)
        }
    }

    @Test("a failed half-open trial opens the circuit again")
    func failedTrialReopens() async throws {
        try await withStandIn(
            behaviour: StandInBehaviour(failNextRequests: 3), breakerThreshold: 2, breakerCoolDown: .milliseconds(300)
        ) { server, client in
            for _ in 0..<2 { _ = try? await client.tags() }
            #expect(client.circuitState == .open)
            try await Task.sleep(for: .milliseconds(400))
            await #expect(throws: OllamaError.self) { try await client.tags() }
            #expect(client.circuitState == .open)
            #expect(server.requests(to: "/api/tags").count == 3)
            try await Task.sleep(for: .milliseconds(400))
            let models = try await client.tags()
            #expect(models.count == 3)
            #expect(client.circuitState == .closed)
        }
    }

    @Test("a closed port is unreachable, quickly, even with retries")
    func unreachable() async throws {
        let client = OllamaClient(configuration: .init(
            baseURL: "http://127.0.0.1:1", timeout: .seconds(60), retryAttempts: 2, retryDelay: .milliseconds(20)))
        let start = ContinuousClock.now
        let failure = await #expect(throws: OllamaError.self) { try await client.chat(hello) }
        #expect(failure?.isUnreachable == true)
        let (_, streamError) = await drain(client.chatStream(hello))
        #expect((streamError as? OllamaError)?.isUnreachable == true)
        let status = await client.ping()
        #expect(!status.reachable)
        #expect(status.version == nil)
        #expect(ContinuousClock.now - start < .seconds(30), "refused at once, not after the 60 s timeout")
        await client.shutdown()
    }

    @Test("cancelling the caller aborts a request in flight")
    func cancellation() async throws {
        try await withStandIn(behaviour: StandInBehaviour(delay: .seconds(120))) { _, client in
            let start = ContinuousClock.now
            let call = Task { try await client.chat(hello) }
            try await Task.sleep(for: .milliseconds(200))
            call.cancel()
            let result = await call.result
            #expect(throws: OllamaError.cancelled) { try result.get() }
            #expect(ContinuousClock.now - start < .seconds(60), "ended by the cancel, not the 120 s answer")
        }
    }

    @Test("a consumer that stops iterating ends the transfer")
    func streamConsumerStops() async throws {
        let behaviour = StandInBehaviour(chunkDelay: .milliseconds(600), reply: { _ in words(100) })
        try await withStandIn(behaviour: behaviour, threads: 1) { _, client in
            let start = ContinuousClock.now
            var received = 0
            for try await _ in client.chatStream(hello) {
                received += 1
                if received == 2 { break }
            }
            #expect(received == 2)
            // One pool thread: were the abandoned 60-second transfer still running, this would wait for it.
            _ = try await client.tags()
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }
}
