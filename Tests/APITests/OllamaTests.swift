import API
import Foundation
import HummingbirdTesting
import Ollama
import Storage
import TestSupport
import Testing

@Suite("Ollama client and health over loopback")
struct OllamaTests {
    @Test("version and installed models come from Ollama's own formats")
    func versionAndTags() async throws {
        let standIn = try await OllamaStandIn.start()
        let client = OllamaClient(configuration: .init(baseURL: standIn.baseURL, timeout: .seconds(5)))
        #expect(try await client.version() == "0.12.6")
        #expect(try await client.installedModels() == ["llama3.2:3b", "llama3.1:8b"])
        await standIn.stop()
    }

    @Test("unreachable and slow servers give typed errors")
    func failures() async throws {
        let nobody = OllamaClient(configuration: .init(baseURL: "http://127.0.0.1:1", timeout: .seconds(2)))
        await #expect { try await nobody.version() } throws: { error in
            if case OllamaClient.Failure.unreachable = error { return true }
            return false
        }
        let slow = try await OllamaStandIn.start(delay: .seconds(3))
        let impatient = OllamaClient(configuration: .init(baseURL: slow.baseURL, timeout: .milliseconds(300)))
        await #expect(throws: OllamaClient.Failure.timeout) { try await impatient.version() }
        await slow.stop()
    }

    @Test("/health shows Ollama up when it answers, and degraded (still 200) when it does not")
    func health() async throws {
        let standIn = try await OllamaStandIn.start()
        let up = OllamaClient(configuration: .init(baseURL: standIn.baseURL, timeout: .seconds(5)))
        try await TestApp.run(ollama: up) { client, _, _ in
            let body = try TestApp.json(try await client.execute(uri: "/health", method: .get))
            #expect(body["status"] as? String == "healthy")
            let ollama = try #require((body["components"] as? [String: Any])?["ollama"] as? [String: Any])
            #expect(ollama["status"] as? String == "up")
        }
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
    }
}
