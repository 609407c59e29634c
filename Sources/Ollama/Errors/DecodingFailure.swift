extension OllamaError {
    /// ``invalidResponse(_:)`` for an answer that did not decode, saying where and why in
    /// one line rather than dumping the decoder's context.
    static func undecodable(_ what: String, _ error: any Error) -> OllamaError {
        guard let error = error as? DecodingError else { return .invalidResponse("\(what): \(error)") }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        let reason: String
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            reason = "missing \(parent.isEmpty ? "" : parent + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            reason = "unexpected value at \(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            reason = "not valid JSON: \(context.debugDescription)"
        @unknown default:
            reason = "\(error)"
        }
        return .invalidResponse("\(what): \(reason)")
    }
}
