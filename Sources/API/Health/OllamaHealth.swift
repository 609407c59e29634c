import Ollama

/// The `/health` probe for Ollama: optional, so down means degraded. Everything that needs
/// no LLM (ingest, search, deterministic compression) keeps working without it.
enum OllamaHealth {
    static func check(_ client: OllamaClient) -> HealthCheck {
        HealthCheck(name: "ollama", critical: false) {
            do {
                let version = try await client.version(timeout: .seconds(2))
                return ComponentHealth(status: .up, detail: "version \(version) at \(client.configuration.baseURL)")
            } catch {
                return ComponentHealth(status: .down, detail: "\(error)")
            }
        }
    }
}
