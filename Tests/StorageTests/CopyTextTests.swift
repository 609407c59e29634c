@testable import Storage
import Testing

@Suite("COPY text format")
struct CopyTextTests {
    static func field(_ value: SQLValue, _ type: String) throws -> String {
        var line: [UInt8] = []
        try CopyText.append(value, for: PostgresSchema.Column(name: "c", type: type), to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    @Test("backslash, newline, carriage return, tab and the other controls are escaped; NULL is \\N")
    func escapes() throws {
        #expect(try Self.field(.text("a\\b\nc\rd\te\u{8}f\u{c}g\u{b}h"), "text") == #"a\\b\nc\rd\te\bf\fg\vh"#)
        #expect(try Self.field(.text("\\."), "text") == #"\\."#)
        #expect(try Self.field(.text("\\N"), "text") == #"\\N"#)
        #expect(try Self.field(.null, "text") == #"\N"#)
        #expect(try Self.field(.text("😀 e\u{301} '\""), "text") == "😀 e\u{301} '\"")
        #expect(throws: CopyText.Unwritable.self) { try Self.field(.text("nul\u{0}"), "text") }
    }

    @Test("booleans are t/f, bytea is escaped hex, numbers stay numbers")
    func types() throws {
        #expect(try Self.field(.integer(1), "boolean") == "t")
        #expect(try Self.field(.integer(0), "boolean") == "f")
        #expect(try Self.field(.text("true"), "bool") == "t")
        #expect(throws: CopyText.Unwritable.self) { try Self.field(.text("maybe"), "boolean") }
        #expect(try Self.field(.blob([0x00, 0xab, 0x5c]), "bytea") == #"\\x00ab5c"#)
        #expect(try Self.field(.integer(-42), "bigint") == "-42")
        #expect(try Self.field(.real(0.5), "double precision") == "0.5")
        #expect(try Self.field(.real(.infinity), "double precision") == "Infinity")
        #expect(try Self.field(.real(.nan), "double precision") == "NaN")
    }

    @Test("timestamps must be readable as timestamps")
    func timestamps() throws {
        #expect(try Self.field(.text("2026-01-02T03:04:05.678Z"), "timestamptz") == "2026-01-02T03:04:05.678Z")
        #expect(try Self.field(.text("2026-01-02 03:04:05+00"), "timestamptz") == "2026-01-02 03:04:05+00")
        #expect(throws: CopyText.Unwritable.self) { try Self.field(.text("yesterday"), "timestamptz") }
    }
}
