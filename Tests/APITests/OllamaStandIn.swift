import Foundation
import Hummingbird
import Logging
import NIOCore

/// A stand-in Ollama server on loopback answering in Ollama's real formats: `/api/version`,
/// `/api/tags`, and errors as `{"error": "..."}` with their status. `delay` slows every
/// answer, for timeouts.
final class OllamaStandIn: Sendable {
    let baseURL: String
    private let task: Task<Void, any Error>

    private init(baseURL: String, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.task = task
    }

    static func start(models: [String] = ["llama3.2:3b", "llama3.1:8b"], delay: Duration = .zero) async throws -> OllamaStandIn {
        let router = Router()
        router.get("/api/version") { _, _ -> Response in
            try await Task.sleep(for: delay)
            return json(#"{"version":"0.12.6"}"#)
        }
        router.get("/api/tags") { _, _ -> Response in
            try await Task.sleep(for: delay)
            let entries = models.map {
                #"{"name":"\#($0)","model":"\#($0)","modified_at":"2026-11-01T10:00:00Z","size":2019393189,"digest":"a80c4f17acd5","details":{"format":"gguf","family":"llama","parameter_size":"3.2B","quantization_level":"Q4_K_M"}}"#
            }
            return json(#"{"models":["# + entries.joined(separator: ",") + "]}")
        }
        router.post("/api/show") { _, _ -> Response in
            json(#"{"error":"model 'missing' not found"}"#, status: .notFound)
        }
        let port = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "ollama-stand-in"))
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = port.stream.makeAsyncIterator()
        let bound = await iterator.next() ?? 0
        return OllamaStandIn(baseURL: "http://127.0.0.1:\(bound)", task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    private static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
