/// PostgreSQL's `COPY ... FROM stdin` text format, as pg_dump writes it: one line per row,
/// fields separated by tabs, `\N` for NULL, and backslash, newline, carriage return, tab,
/// backspace, form feed and vertical tab escaped with a backslash.
enum CopyText {
    static let null: [UInt8] = Array("\\N".utf8)
    /// The line that ends a block of rows.
    static let endOfData = "\\."

    /// A value that cannot be written for a column, described for the error message.
    struct Unwritable: Error {
        let reason: String
    }

    /// Appends `value`, converted for a PostgreSQL column of `column`'s type, to `line`.
    static func append(_ value: SQLValue, for column: PostgresSchema.Column, to line: inout [UInt8]) throws {
        switch value {
        case .null:
            line += null
        case _ where column.isBoolean:
            line.append(try boolean(value) ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case _ where column.isBytea:
            let bytes: [UInt8]
            switch value {
            case .blob(let blob): bytes = blob
            default: bytes = Array((value.string ?? "").utf8)
            }
            // bytea's hex input `\x...`, whose backslash is itself escaped in COPY text.
            line += Array("\\\\x".utf8)
            for byte in bytes {
                line.append(hexDigits[Int(byte >> 4)])
                line.append(hexDigits[Int(byte & 0xf)])
            }
        case .text(let text):
            if column.isTimestamp && Timestamp.parse(text) == nil {
                throw Unwritable(reason: "\"\(text.prefix(40))\" is not a timestamp")
            }
            try escape(text, into: &line)
        case .integer(let number):
            line += Array(String(number).utf8)
        case .real(let number):
            line += Array(realText(number).utf8)
        case .blob(let bytes):
            try escape(String(decoding: bytes, as: UTF8.self), into: &line)
        }
    }

    /// SQLite keeps booleans as integers (any non-zero is true); text must say which it is.
    static func boolean(_ value: SQLValue) throws -> Bool {
        switch value {
        case .integer(let number): return number != 0
        case .real(let number): return number != 0
        case .text(let text) where ["t", "true", "1"].contains(text.lowercased()): return true
        case .text(let text) where ["f", "false", "0"].contains(text.lowercased()): return false
        default: throw Unwritable(reason: "\(value) is not a boolean")
        }
    }

    /// Appends `text` with COPY's escapes. PostgreSQL text cannot hold NUL characters.
    static func escape(_ text: String, into line: inout [UInt8]) throws {
        for byte in text.utf8 {
            switch byte {
            case 0x5C: line += [0x5C, 0x5C]  // backslash
            case 0x0A: line += [0x5C, UInt8(ascii: "n")]
            case 0x0D: line += [0x5C, UInt8(ascii: "r")]
            case 0x09: line += [0x5C, UInt8(ascii: "t")]
            case 0x08: line += [0x5C, UInt8(ascii: "b")]
            case 0x0C: line += [0x5C, UInt8(ascii: "f")]
            case 0x0B: line += [0x5C, UInt8(ascii: "v")]
            case 0x00: throw Unwritable(reason: "text contains a NUL character, which PostgreSQL text cannot hold")
            default: line.append(byte)
            }
        }
    }

    /// Floating-point text PostgreSQL reads back exactly, including its names for the
    /// special values.
    static func realText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return "\(number)"
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
