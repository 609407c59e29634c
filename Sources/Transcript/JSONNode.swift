/// A JSON value read by ``JSONNodeReader``.
///
/// Objects keep their members in order as a list: transcript objects have a few dozen keys
/// at most, and a linear look-up by key is cheaper than hashing every key into a dictionary.
/// Numbers keep their text; ``CompactJSON`` decides how to write them.
enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([Member])
    /// A member the reader was told to check but not keep (see ``JSONNodeReader/read(_:keepingTopLevel:)``).
    case skipped

    struct Member: Sendable, Equatable {
        let key: String
        let value: JSONNode
    }

    /// The value of `key` when this is an object that has it; JSON's last duplicate wins.
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSONNode]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// A whole number, as usage counts are written; nil for anything else.
    var int64: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text) ?? Double(text).flatMap { Int64(exactly: $0) }
    }
}
