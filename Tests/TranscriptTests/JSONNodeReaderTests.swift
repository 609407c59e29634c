import Foundation
import TestSupport
import Testing
@testable import Transcript

/// The line reader must accept and refuse what `JSONSerialization` does, and read the same
/// values, so that which lines are malformed and what is stored does not depend on it.
@Suite("JSON line reader")
struct JSONNodeReaderTests {
    static func acceptedByFoundation(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }

    @Test("accepts what JSONSerialization accepts", arguments: [
        #"{}"#, #"[]"#, #" { "a" : [ 1 , 2 ] } "#, "\t\r\n{\"a\":1}\n", #""text""#, #"0"#, #"-0.5e+10"#, #"1E3"#,
        #"{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude80"}"#, #"{"a":{"b":{"c":[null,true,false]}}}"#, #"{"a":1,"a":2}"#,
        #"{"emoji":"🚀 naïve 日本語"}"#,
    ])
    func accepts(text: String) throws {
        #expect(Self.acceptedByFoundation(text))
        _ = try JSONNodeReader.read(text)
    }

    @Test("refuses what JSONSerialization refuses", arguments: [
        "", " ", "{", "}", #"{"a":}"#, #"{"a" 1}"#, #"[1 2]"#, #"{a:1}"#, #"{'a':1}"#,
        #"{"a":1}x"#, #"{"a":1}{"b":2}"#, #"01"#, #"1."#, #".5"#, #"-"#, #"1e"#, #"+1"#, #"tru"#, #"nul"#, #"True"#,
        "\"a\tb\"", "\"a\nb\"", #""\x""#, #""\u12""#, #""\u12G4""#, #""\ud800""#, #""\udc00x""#, #""\ud800\u0041""#,
        #""unterminated"#, #"// comment"#, #"NaN"#, #"Infinity"#,
        String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
    ])
    func refuses(text: String) {
        #expect(!Self.acceptedByFoundation(text))
        #expect(throws: JSONNodeReader.Invalid.self) { try JSONNodeReader.read(text) }
    }

    /// JSONSerialization lets these through; JSON (RFC 8259) does not, nor does Claude Code write them.
    @Test("refuses trailing commas", arguments: [#"{"a":1,}"#, #"[1,]"#, #"{"a":[1,],"b":2}"#])
    func trailingCommas(text: String) {
        #expect(throws: JSONNodeReader.Invalid.self) { try JSONNodeReader.read(text) }
    }

    /// The reader steps over plain runs of a string eight bytes at a time: a quote, escape or
    /// control character must be found at every place within those eight, after ASCII and
    /// multi-byte characters alike.
    @Test("a string's end, escapes and control characters are found wherever they fall", arguments: ["abcdefgh", "é€🚀xyzé"])
    func everyPosition(filler: String) throws {
        let plain = String(repeating: filler, count: 6)
        let cuts = plain.unicodeScalars.indices.map { plain.utf8.distance(from: plain.startIndex, to: $0) } + [plain.utf8.count]
        #expect(cuts.count > 24)
        for length in cuts {
            let prefix = String(plain.utf8.prefix(length))!
            let ended = try JSONNodeReader.read("[\"" + prefix + "\",\"x\"]")
            #expect(ended.array?.map(\.string) == [prefix, "x"], "ends after \(length) bytes")
            let escaped = try JSONNodeReader.read("\"" + prefix + "\\n\\\"tail\"")
            #expect(escaped.string == prefix + "\n\"tail", "escape after \(length) bytes")
            #expect(throws: JSONNodeReader.Invalid.self, "control character after \(length) bytes") {
                try JSONNodeReader.read("\"" + prefix + "\u{1}" + plain + "\"")
            }
        }
    }

    @Test("512 levels of nesting are read, as JSONSerialization reads them")
    func deepButAllowed() throws {
        let text = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(Self.acceptedByFoundation(text))
        _ = try JSONNodeReader.read(text)
    }

    @Test("every corpus line reads as JSONSerialization reads it, value for value")
    func corpusParity() throws {
        var lines = 0
        for file in try CorpusFile.all() where file.relativePath.hasSuffix(".jsonl") {
            for line in try String(contentsOf: file.path, encoding: .utf8).split(separator: "\n") {
                let foundation = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
                let ours = try? JSONNodeReader.read(String(line))
                #expect((foundation == nil) == (ours == nil), "\(file.relativePath): \(line.prefix(80))")
                guard let foundation, let ours else { continue }
                #expect(Self.same(ours, foundation), "\(file.relativePath): \(line.prefix(80))")
                lines += 1
            }
        }
        #expect(lines > 5000, "only \(lines) lines in the corpus")
    }

    @Test("members left out at the top level are checked but not kept, and change no entry of the corpus")
    func skippedMembers() throws {
        let skipped = try JSONNodeReader.read(#"{"type":"user","toolUseResult":{"stdout":"big"}}"#, keepingTopLevel: ["type"])
        #expect(skipped == .object([.init(key: "type", value: .string("user")), .init(key: "toolUseResult", value: .skipped)]))
        #expect(throws: JSONNodeReader.Invalid.self) {
            try JSONNodeReader.read(#"{"type":"user","toolUseResult":{"stdout":"big",}}"#, keepingTopLevel: ["type"])
        }
        // The nesting limit counts inside a skipped member too: 1 object and 512 arrays.
        let deep = #"{"type":"user","x":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}"
        #expect(throws: JSONNodeReader.Invalid.self) { try JSONNodeReader.read(deep, keepingTopLevel: ["type"]) }
        #expect(try JSONNodeReader.read(deep.replacingOccurrences(of: "[]", with: ""), keepingTopLevel: ["type"])["x"] == .skipped)
        var compared = 0
        for file in try CorpusFile.all() where file.relativePath.hasSuffix(".jsonl") {
            for line in try String(contentsOf: file.path, encoding: .utf8).split(separator: "\n") {
                guard let whole = try? JSONNodeReader.read(String(line)) else { continue }
                let kept = try JSONNodeReader.read(String(line), keepingTopLevel: EntryClassifier.fieldsRead)
                #expect(EntryClassifier.classify(kept, raw: String(line)) == EntryClassifier.classify(whole, raw: String(line)))
                compared += 1
            }
        }
        #expect(compared > 5000)
    }

    /// Whether our value is the one `JSONSerialization` built.
    static func same(_ node: JSONNode, _ value: Any) -> Bool {
        switch node {
        case .null: return value is NSNull
        case .bool(let bool):
            // Written back, a boolean is `true` or `false`, a number is digits.
            guard let data = try? JSONSerialization.data(withJSONObject: [value]) else { return false }
            return String(decoding: data, as: UTF8.self) == (bool ? "[true]" : "[false]")
        case .number(let text):
            guard let number = value as? NSNumber else { return false }
            return Double(text) == number.doubleValue
        case .string(let string): return value as? String == string
        case .array(let elements):
            guard let array = value as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let dictionary = value as? [String: Any] else { return false }
            let keys = Set(members.map(\.key))
            return keys.count == dictionary.count && keys.allSatisfy { key in
                dictionary[key].map { same(node[key]!, $0) } ?? false
            }
        case .skipped: return false
        }
    }
}
