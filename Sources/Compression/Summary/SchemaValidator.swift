import Foundation
import Ollama

/// Checks a model's reply against the JSON Schema it was asked to follow. Ollama constrains
/// generation to the schema, but small models still return broken or partial JSON now and
/// then, so nothing is trusted before this passes.
///
/// Supports the keywords ``SummaryReply/schema`` uses: `type` (object, array, string,
/// number, integer, boolean), `properties`, `required` and `items`.
enum SchemaValidator {
    /// The problems found, as `path: what is wrong`; empty when the value conforms.
    static func problems(in text: String, schema: JSONValue) -> [String] {
        guard let data = text.data(using: .utf8),
              let value = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return ["the reply is not JSON"] }
        var found: [String] = []
        check(value, against: schema, at: "$", into: &found)
        return found
    }

    private static func check(_ value: JSONValue, against schema: JSONValue, at path: String, into found: inout [String]) {
        if let type = schema["type"]?.stringValue, !matches(value, type) {
            found.append("\(path): expected \(type)")
            return
        }
        switch value {
        case .object(let members):
            if case .array(let required)? = schema["required"] {
                for name in required.compactMap(\.stringValue) where members[name] == nil {
                    found.append("\(path).\(name): missing")
                }
            }
            if case .object(let properties)? = schema["properties"] {
                for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                    if let property = properties[name] { check(member, against: property, at: "\(path).\(name)", into: &found) }
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(index)]", into: &found) }
            }
        default:
            break
        }
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): return true
        case ("number", .number): return true
        case ("integer", .number(let number)): return number.rounded() == number
        default: return false
        }
    }
}
