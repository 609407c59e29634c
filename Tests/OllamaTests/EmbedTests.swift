import Ollama
import OllamaStandIn
import Testing

@Suite("Embeddings")
struct EmbedTests {
    @Test("embed returns one unit vector per input, in order")
    func embed() async throws {
        try await withStandIn { server, client in
            let texts = ["sqlite database migration", "postgres database migration", "banana bread recipe"]
            let vectors = try await client.embed(model: "nomic-embed-text", input: texts)
            #expect(vectors.count == 3)
            #expect(vectors.allSatisfy { $0.count == 768 })
            for vector in vectors {
                #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
            }
            func cosine(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
            #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]))
            #expect(server.requests(to: "/api/embed").first?.value(at: "input") as? [String] == texts)
            let none = try await client.embed(model: "nomic-embed-text", input: [])
            #expect(none.isEmpty)
        }
    }

    @Test("embedding with an unknown model is modelNotFound; an over-long input with truncate false is a 400")
    func embedFailures() async throws {
        try await withStandIn { _, client in
            await #expect(throws: OllamaError.modelNotFound("mxbai-embed-large")) {
                try await client.embed(model: "mxbai-embed-large", input: ["x"])
            }
            await #expect(throws: OllamaError.http(status: 400, message: "input length exceeds the context length")) {
                try await client.embed(model: "nomic-embed-text", input: [words(9000)], truncate: false)
            }
            let cut = try await client.embed(model: "nomic-embed-text", input: [words(9000)])
            #expect(cut.count == 1)
        }
    }
}
