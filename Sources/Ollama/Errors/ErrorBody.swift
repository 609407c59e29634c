import Foundation

/// Ollama's error body, `{"error": "..."}`, and the mapping from an error status to
/// ``OllamaError``.
struct ErrorBody: Decodable {
    let error: String

    /// The typed error for a non-2xx answer. `model` names the model the request was for,
    /// so a 404 "model ... not found" can say which one is missing. A 404 for a request
    /// about no model (a wrong base URL answering "404 page not found") stays `.http`.
    static func failure(status: Int, body: [UInt8], model: String?) -> OllamaError {
        let message = (try? JSONDecoder().decode(ErrorBody.self, from: Data(body)))?.error
            ?? Self.excerpt(body)
        let lowercased = message.lowercased()
        if status == 404, let model, lowercased.contains("model"), lowercased.contains("not found") {
            return .modelNotFound(model)
        }
        return .http(status: status, message: message)
    }

    /// The start of a body that is not Ollama's JSON (a proxy's HTML page, say).
    private static func excerpt(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "no error message" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
