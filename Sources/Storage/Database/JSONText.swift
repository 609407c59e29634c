import Foundation

/// Small JSON values stored in text columns (branch lists, kind counts).
enum JSONText {
    static func array(_ values: [String]) -> String { encode(values) ?? "[]" }
    static func object(_ values: [String: Int]) -> String { encode(values) ?? "{}" }

    static func decodeArray(_ text: String?) -> [String] {
        guard let data = text?.data(using: .utf8) else { return [] }
        return (try? JSONDecoder().decode([String].self, from: data)) ?? []
    }

    static func decodeObject(_ text: String?) -> [String: Int] {
        guard let data = text?.data(using: .utf8) else { return [:] }
        return (try? JSONDecoder().decode([String: Int].self, from: data)) ?? [:]
    }

    private static func encode<T: Encodable>(_ value: T) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) }
    }
}
