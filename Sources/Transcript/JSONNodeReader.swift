/// Reads one JSON text (RFC 8259) from UTF-8 bytes into a ``JSONNode``.
///
/// `JSONSerialization` was half of a transcript line's parsing: it boxes every value in an
/// `Any` and converts every string through a generic path. This reader builds strings
/// straight from the line's bytes, and checks but does not build the top-level members a
/// caller does not read (a tool result's `toolUseResult` repeats its whole output).
/// It accepts and refuses what `JSONSerialization` does (no comments, no control characters
/// in strings, no lone surrogates, at most 512 levels of nesting), except trailing commas,
/// which JSON does not allow and `JSONSerialization` lets through.
struct JSONNodeReader {
    struct Invalid: Error {}

    static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The value in `bytes`, which must hold exactly one JSON value and white space around it.
    /// When `keepingTopLevel` is given and the value is an object, members whose key is not in
    /// it are checked and then stored as ``JSONNode/skipped``.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, keepingTopLevel: Set<String>? = nil) throws(Invalid) -> JSONNode {
        var reader = JSONNodeReader(bytes)
        reader.skipWhitespace()
        let value = try reader.readValue(keeping: keepingTopLevel)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw Invalid() }
        return value
    }

    static func read(_ text: String, keepingTopLevel: Set<String>? = nil) throws(Invalid) -> JSONNode {
        var text = text
        return try text.withUTF8 { bytes in Result { () throws(Invalid) in try read(bytes, keepingTopLevel: keepingTopLevel) } }.get()
    }

    // MARK: Values

    /// Reads the value at `index`; with `building` false it only checks it and answers
    /// ``JSONNode/skipped``. `keys`, for an object, names the members to build.
    private mutating func readValue(building: Bool = true, keeping keys: Set<String>? = nil) throws(Invalid) -> JSONNode {
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(building: building, keeping: keys)
        case UInt8(ascii: "["): return try readArray(building: building)
        case UInt8(ascii: "\""):
            guard building else {
                _ = try scanString()
                return .skipped
            }
            return .string(try readString())
        case UInt8(ascii: "t"): try expect("true"); return building ? .bool(true) : .skipped
        case UInt8(ascii: "f"): try expect("false"); return building ? .bool(false) : .skipped
        case UInt8(ascii: "n"): try expect("null"); return building ? .null : .skipped
        default:
            let start = index
            try skipNumber()
            return building ? .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) : .skipped
        }
    }

    private mutating func readObject(building: Bool, keeping keys: Set<String>?) throws(Invalid) -> JSONNode {
        try enter()
        var members: [JSONNode.Member] = []
        if try openContainer(closing: UInt8(ascii: "}")) {
            repeat {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Invalid() }
                guard building else {
                    _ = try scanString()
                    try readMemberValue(building: false)
                    continue
                }
                let key = try readString()
                let value = try readMemberValue(building: keys?.contains(key) ?? true)
                members.append(.init(key: key, value: value))
            } while try nextElement(closing: UInt8(ascii: "}"))
        }
        depth -= 1
        return building ? .object(members) : .skipped
    }

    /// The `:` after a member's key, and the member's value.
    @discardableResult
    private mutating func readMemberValue(building: Bool) throws(Invalid) -> JSONNode {
        skipWhitespace()
        try consume(UInt8(ascii: ":"))
        skipWhitespace()
        return try readValue(building: building)
    }

    private mutating func readArray(building: Bool) throws(Invalid) -> JSONNode {
        try enter()
        var elements: [JSONNode] = []
        if try openContainer(closing: UInt8(ascii: "]")) {
            repeat {
                skipWhitespace()
                let element = try readValue(building: building)
                if building { elements.append(element) }
            } while try nextElement(closing: UInt8(ascii: "]"))
        }
        depth -= 1
        return building ? .array(elements) : .skipped
    }

    // MARK: Containers

    private mutating func enter() throws(Invalid) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw Invalid() }
    }

    /// Steps past the opening bracket; false when the container is empty (and closed).
    private mutating func openContainer(closing: UInt8) throws(Invalid) -> Bool {
        index += 1
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        if bytes[index] == closing {
            index += 1
            return false
        }
        return true
    }

    /// After an element: true at a comma (another element follows), false at the closing bracket.
    private mutating func nextElement(closing: UInt8) throws(Invalid) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        throw Invalid()
    }

    // MARK: Strings

    /// Reads the string starting at the opening quote.
    private mutating func readString() throws(Invalid) -> String {
        let start = index + 1
        let hasEscapes = try scanString()
        let body = UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
        guard hasEscapes else { return String(decoding: body, as: UTF8.self) }
        return String(decoding: try Self.unescape(body), as: UTF8.self)
    }

    /// Steps past the string starting at the opening quote, checking its escapes; true when it has any.
    private mutating func scanString() throws(Invalid) -> Bool {
        index += 1
        var hasEscapes = false
        while index < bytes.count {
            index = Self.plainRunEnd(bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return hasEscapes
            }
            if byte < 0x20 { throw Invalid() }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index += 1
                guard index < bytes.count else { throw Invalid() }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    // Four hex digits; surrogates are paired up (or refused) by `unescape`.
                    guard index + 4 < bytes.count else { throw Invalid() }
                    for offset in 1...4 where Self.hexValue(bytes[index + offset]) == nil { throw Invalid() }
                    index += 4
                default:
                    throw Invalid()
                }
            }
            index += 1
        }
        throw Invalid()
    }

    /// Where the run of bytes from `start` that may sit in a string as they are (no quote,
    /// backslash or control character) ends, give or take up to 7 bytes: it steps 8 bytes at
    /// a time, and stops before any 8 that hold one of those (or only seem to). Most of a
    /// transcript's bytes are in such runs.
    private static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// Whether some byte of `word` is zero (no false negatives).
        func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        var index = start
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // A byte below 0x20, a quote (0x22) or a backslash (0x5C).
            let special = (word &- ones &* 0x20) & ~word & highs != 0
                || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
            if special { break }
            index += 8
        }
        return index
    }

    /// The UTF-8 bytes of a string body whose escapes `scanString` already checked.
    private static func unescape(_ body: UnsafeBufferPointer<UInt8>) throws(Invalid) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            let run = plainRunEnd(body, from: index)
            if run > index {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: body[index..<run]))
                index = run
                continue
            }
            let byte = body[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = body[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(body, at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard index + 6 <= body.count, body[index] == UInt8(ascii: "\\"), body[index + 1] == UInt8(ascii: "u")
                    else { throw Invalid() }
                    let low = hex4(body, at: index + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw Invalid() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw Invalid()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Invalid() }
                out.append(contentsOf: UTF8.encode(unicode)!)
            default: out.append(escape)  // `"`, `\` and `/` stand for themselves.
            }
        }
        return out
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | UInt32(hexValue(bytes[index + offset])!) }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Numbers, literals, white space

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(Invalid) {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw Invalid() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw Invalid() }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw Invalid() }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func expect(_ literal: StaticString) throws(Invalid) {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw Invalid() }
        for offset in 0..<length where bytes[index + offset] != literal.utf8Start[offset] { throw Invalid() }
        index += length
    }

    private mutating func consume(_ byte: UInt8) throws(Invalid) {
        guard index < bytes.count, bytes[index] == byte else { throw Invalid() }
        index += 1
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
