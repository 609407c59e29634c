@testable import Ollama
import Testing

@Suite("NDJSON line splitting")
struct NDJSONLineBufferTests {
    private func feed(_ pieces: [String], into buffer: inout NDJSONLineBuffer) throws -> [String] {
        var lines: [String] = []
        for piece in pieces {
            let bytes = Array(piece.utf8)
            _ = try bytes.withUnsafeBytes { raw in
                try buffer.append(raw) { line in
                    lines.append(String(decoding: line, as: UTF8.self))
                    return true
                }
            }
        }
        _ = buffer.finish { line in
            lines.append(String(decoding: line, as: UTF8.self))
            return true
        }
        return lines
    }

    @Test("lines split across arrivals are joined; CRLF, blank lines and a missing final newline are handled")
    func splitting() throws {
        var buffer = NDJSONLineBuffer()
        let lines = try feed([#"{"a":"#, "1}\n{\"b\"", ":2}\r\n\n  \n{\"c\":3}\n{\"d\"", ":4}"], into: &buffer)
        #expect(lines == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#, #"{"d":4}"#])
    }

    @Test("a consumer can stop early")
    func stopEarly() throws {
        var buffer = NDJSONLineBuffer()
        var seen = 0
        let bytes = Array("1\n2\n3\n".utf8)
        let kept = try bytes.withUnsafeBytes { raw in
            try buffer.append(raw) { _ in
                seen += 1
                return seen < 2
            }
        }
        #expect(!kept)
        #expect(seen == 2)
    }

    @Test("an endless line is refused rather than buffered without limit")
    func overlongLine() {
        var buffer = NDJSONLineBuffer(maxLineBytes: 8)
        let bytes = Array("0123456789".utf8)
        #expect(throws: NDJSONLineBuffer.Overflow.lineTooLong) {
            _ = try bytes.withUnsafeBytes { raw in try buffer.append(raw) { _ in true } }
        }
    }
}
