import Foundation
import NIOPosix

/// A client for Ollama's native API. libcurl blocks, so every call runs on the client's
/// own thread pool, never on an event loop or the cooperative pool.
public final class OllamaClient: Sendable {
    public struct Configuration: Sendable {
        /// e.g. `http://localhost:11434`
        public var baseURL: String
        public var timeout: Duration
        public var connectTimeout: Duration
        public var threads: Int

        public init(baseURL: String, timeout: Duration, connectTimeout: Duration = .seconds(2), threads: Int = 4) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.threads = threads
        }
    }

    /// Why a call failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unreachable(String)
        case timeout
        /// Ollama answered with an error status and its `{"error": ...}` message.
        case http(status: Int, message: String)
        case invalidResponse(String)

        public var description: String {
            switch self {
            case .unreachable(let reason): return "Ollama is unreachable: \(reason)"
            case .timeout: return "Ollama did not answer in time"
            case .http(let status, let message): return "Ollama answered \(status): \(message)"
            case .invalidResponse(let reason): return "Ollama's answer could not be read: \(reason)"
            }
        }
    }

    public let configuration: Configuration
    private let threadPool: NIOThreadPool

    public init(configuration: Configuration) {
        self.configuration = configuration
        threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.threads))
        threadPool.start()
    }

    deinit { threadPool.shutdownGracefully { _ in } }

    /// `GET /api/version`: the server's version; a cheap liveness probe.
    public func version(timeout: Duration? = nil) async throws -> String {
        let body = try await get("/api/version", timeout: timeout)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let version = object["version"] as? String else {
            throw Failure.invalidResponse("no version in /api/version")
        }
        return version
    }

    /// `GET /api/tags`: the names of the installed models.
    public func installedModels(timeout: Duration? = nil) async throws -> [String] {
        let body = try await get("/api/tags", timeout: timeout)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let models = object["models"] as? [[String: Any]] else {
            throw Failure.invalidResponse("no models in /api/tags")
        }
        return models.compactMap { $0["name"] as? String }
    }

    private func get(_ path: String, timeout: Duration?) async throws -> [UInt8] {
        let url = configuration.baseURL + path
        let limit = timeout ?? configuration.timeout
        let connect = min(configuration.connectTimeout, limit)
        let response = try await threadPool.runIfActive { () throws -> HTTPTransport.Response in
            do {
                return try HTTPTransport.perform(method: "GET", url: url, body: nil, timeout: limit, connectTimeout: connect)
            } catch let failure as HTTPTransport.Failure {
                switch failure {
                case .unreachable(let reason), .other(let reason): throw Failure.unreachable(reason)
                case .timeout: throw Failure.timeout
                }
            }
        }
        guard (200..<300).contains(response.status) else {
            let message = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["error"] as? String
            throw Failure.http(status: response.status, message: message ?? "no error message")
        }
        return response.body
    }
}
