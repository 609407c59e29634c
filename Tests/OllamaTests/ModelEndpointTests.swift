import Foundation
import Ollama
import OllamaStandIn
import Testing

@Suite("Model endpoints: tags, show, pull, version")
struct ModelEndpointTests {
    @Test("tags lists installed models with size, modification time and details")
    func tags() async throws {
        try await withStandIn { _, client in
            let models = try await client.tags()
            #expect(models.map(\.name) == ["llama3.2:3b", "qwen3:8b", "nomic-embed-text:latest"])
            let llama = try #require(models.first)
            #expect(llama.size == 2_019_393_189)
            #expect(llama.modifiedAt.hasPrefix("2026-11-01T10:00:00"))
            #expect(llama.digest.count == 64)
            #expect(llama.details.family == "llama")
            #expect(llama.details.parameterSize == "3.2B")
            #expect(llama.details.quantizationLevel == "Q4_K_M")
            let names = try await client.installedModels()
            #expect(names == models.map(\.name))
        }
    }

    @Test("show reports context length, capabilities and Modelfile parameters")
    func show() async throws {
        try await withStandIn { server, client in
            let llama = try await client.show(model: "llama3.2:3b")
            #expect(llama.contextLength == 131_072)
            #expect(llama.capabilities == ["completion", "tools"])
            #expect(llama.supports("completion"))
            #expect(!llama.supports("embedding"))
            #expect(llama.parameters["stop"] == ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"])
            #expect(llama.configuredNumCtx == nil)
            #expect(llama.modelInfo["general.architecture"] == "llama")

            let embedder = try await client.show(model: "nomic-embed-text")
            #expect(embedder.contextLength == 2048)
            #expect(embedder.configuredNumCtx == 8192)
            #expect(embedder.capabilities == ["embedding"])
            #expect(server.requests(to: "/api/show").first?.value(at: "model") as? String == "llama3.2:3b")
        }
    }

    @Test("show of a model that is not installed is modelNotFound")
    func showMissing() async throws {
        try await withStandIn { _, client in
            await #expect(throws: OllamaError.modelNotFound("llama3.2:8b")) {
                try await client.show(model: "llama3.2:8b")
            }
        }
    }

    @Test("pull streams progress in order and installs the model")
    func pull() async throws {
        let extra = StandInModel(
            name: "llama3.1:8b", family: "llama", contextLength: 131_072, capabilities: ["completion", "tools"],
            parameterSize: "8.0B", size: 4_920_753_328, embeddingLength: 4096)
        try await withStandIn(behaviour: StandInBehaviour(pullable: [extra])) { server, client in
            let (progress, error) = await drain(client.pull(model: "llama3.1:8b"))
            #expect(error == nil)
            #expect(progress.first?.status == "pulling manifest")
            #expect(progress.last?.isSuccess == true)
            let downloads = progress.compactMap(\.completed)
            #expect(downloads == downloads.sorted())
            #expect(progress.contains { $0.total == 4_920_753_328 && $0.digest?.hasPrefix("sha256:") == true })
            #expect(server.installedModels.contains("llama3.1:8b"))
            let installed = try await client.installedModels()
            #expect(installed.contains("llama3.1:8b"))
            #expect(server.requests(to: "/api/pull").first?.value(at: "stream") as? Bool == true)
        }
    }

    @Test("pulling a model the registry does not have fails mid-stream")
    func pullUnknown() async throws {
        try await withStandIn { _, client in
            let (progress, error) = await drain(client.pull(model: "llama3.2:8b"))
            #expect(progress.map(\.status) == ["pulling manifest"])
            #expect(error as? OllamaError == .streamError("pull model manifest: file does not exist"))
        }
    }

    @Test("version and ping report a reachable server with its model count")
    func versionAndPing() async throws {
        try await withStandIn(behaviour: StandInBehaviour(version: "0.12.6")) { _, client in
            let version = try await client.version()
            #expect(version == "0.12.6")
            let status = await client.ping()
            #expect(status.reachable)
            #expect(status.version == "0.12.6")
            #expect(status.modelCount == 3)
            #expect(status.circuit == .closed)
            #expect(status.error == nil)
        }
    }
}
