import API
import Foundation
import HummingbirdTesting
import Ollama
import OllamaStandIn
import Storage
import TestSupport
import Testing

@Suite("Ollama in /health")
struct OllamaHealthTests {
    @Test("/health shows Ollama up when it answers, and degraded (still 200) when it does not")
    func health() async throws {
        let standIn = try await OllamaStandIn.start()
        let up = OllamaClient(configuration: .init(baseURL: standIn.baseURL, timeout: .seconds(5)))
        try await TestApp.run(ollama: up) { client, _, _ in
            // The first probe runs as the server starts; on a busy machine it may still be out.
            var body = try TestApp.json(try await client.execute(uri: "/health", method: .get))
            for _ in 0..<100 where body["status"] as? String != "healthy" {
                try await Task.sleep(for: .milliseconds(100))
                body = try TestApp.json(try await client.execute(uri: "/health", method: .get))
            }
            #expect(body["status"] as? String == "healthy")
            let ollama = try #require((body["components"] as? [String: Any])?["ollama"] as? [String: Any])
            #expect(ollama["status"] as? String == "up")
            #expect((ollama["detail"] as? String)?.contains(standIn.behaviour.version) == true)
        }
        await up.shutdown()
        await standIn.stop()

        let down = OllamaClient(configuration: .init(baseURL: "http://127.0.0.1:1", timeout: .seconds(2)))
        try await TestApp.run(ollama: down) { client, _, _ in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            let body = try TestApp.json(response)
            #expect(body["status"] as? String == "degraded")
            let ollama = try #require((body["components"] as? [String: Any])?["ollama"] as? [String: Any])
            #expect(ollama["status"] as? String == "down")
        }
        await down.shutdown()
    }
}
