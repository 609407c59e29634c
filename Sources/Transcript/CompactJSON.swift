import Foundation

/// The compact JSON text of a tool input, exactly as
/// `JSONSerialization.data(withJSONObject:options: [.sortedKeys, .withoutEscapingSlashes])`
/// writes the value `JSONSerialization` parses from the same text — keys in the same order,
/// strings escaped and numbers written the same way — so that stored text does not depend
/// on which parser read the line.
enum CompactJSON {
    /// Nil when `value` is not a JSON object or array.
    static func text(_ value: JSONNode) -> String? {
        switch value {
        case .object, .array: break
        default: return nil
        }
        var out: [UInt8] = []
        guard write(value, into: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONNode, into out: inout [UInt8]) -> Bool {
        switch value {
        case .string(let string):
            writeString(string, into: &out)
        case .object(let members):
            // JSONSerialization keeps the last of duplicate keys.
            var byKey: [String: JSONNode] = [:]
            for member in members { byKey[member.key] = member.value }
            out.append(UInt8(ascii: "{"))
            for (index, key) in byKey.keys.sorted(by: precedes).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                guard write(byKey[key]!, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                guard write(element, into: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text):
            guard let number = writtenNumber(text) else { return false }
            out.append(contentsOf: number.utf8)
        case .skipped:
            return false
        }
        return true
    }

    /// A number as JSONSerialization writes what it parsed from `text`: a whole number that
    /// fits in 64 bits as itself, anything else through its `Double`. Numbers are rare in
    /// tool inputs, and mostly whole.
    private static func writtenNumber(_ text: String) -> String? {
        let isWhole = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }
        if isWhole, let whole = Int64(text) { return String(whole) }
        if isWhole, let whole = UInt64(text) { return String(whole) }
        guard let double = Double(text),
              let data = try? JSONSerialization.data(withJSONObject: [NSNumber(value: double)], options: [.withoutEscapingSlashes]),
              data.count >= 2 else { return nil }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// `JSONSerialization`'s key order for `.sortedKeys`.
    private static func precedes(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex,
                  locale: NSLocale.system) == .orderedAscending
    }

    private static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
