import Foundation

/// A tool call's input, decoded from the compact JSON the parser keeps.
struct ToolInput {
    let fields: [String: Any]

    init(_ json: String) {
        fields = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    func string(_ name: String) -> String? {
        guard let value = fields[name] as? String, !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String) -> Int? {
        (fields[name] as? NSNumber)?.intValue ?? (fields[name] as? String).flatMap { Int($0) }
    }

    func objects(_ name: String) -> [[String: Any]] {
        fields[name] as? [[String: Any]] ?? []
    }

    /// The file a file tool works on (`notebook_path` for notebooks).
    var filePath: String? { string("file_path") ?? string("notebook_path") ?? string("path") }
}
