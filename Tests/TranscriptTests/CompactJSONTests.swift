import Foundation
import TestSupport
import Testing
@testable import Transcript

/// Tool inputs are written as compact JSON into the searchable text; the hand-written
/// reader and writer must give exactly what `JSONSerialization` gives for the same text.
@Suite("Compact JSON of tool inputs")
struct CompactJSONTests {
    static func reference(_ value: Any) -> String? {
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func parsed(_ json: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(json.utf8))
    }

    /// Our text for the JSON `json`, and JSONSerialization's.
    static func both(_ json: String) throws -> (ours: String?, reference: String?) {
        (CompactJSON.text(try JSONNodeReader.read(json)), reference(try parsed(json)))
    }

    @Test("the same text as JSONSerialization for every tool input of the corpus")
    func corpusParity() throws {
        var compared = 0
        for file in try CorpusFile.all() where file.relativePath.hasSuffix(".jsonl") {
            for line in try String(contentsOf: file.path, encoding: .utf8).split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let blocks = (object["message"] as? [String: Any])?["content"] as? [[String: Any]] else { continue }
                let nodes = try JSONNodeReader.read(String(line))["message"]?["content"]?.array ?? []
                #expect(nodes.count == blocks.count)
                for (block, node) in zip(blocks, nodes) where block["type"] as? String == "tool_use" {
                    guard let input = block["input"], let inputNode = node["input"] else { continue }
                    #expect(CompactJSON.text(inputNode) == Self.reference(input), "\(file.relativePath)")
                    compared += 1
                }
            }
        }
        #expect(compared > 1000, "only \(compared) tool inputs in the corpus")
    }

    @Test("escapes, key order, numbers, booleans and null as JSONSerialization writes them", arguments: [
        #"{"path": "/a/b", "quote": "say \"hi\"", "back": "C:\\dir", "ctl": "a\u0001b\u001f\tc\nd\re\bf\fg"}"#,
        #"{"b10": 1, "b9": 2, "B1": 3, "a": 4, "é": 5, "Z": 6}"#,
        #"{"int": -42, "big": 9007199254740993, "real": 1.5, "tiny": 1e-7, "yes": true, "no": false, "none": null}"#,
        #"{"nested": {"list": [1, "two", [3, {"four": 4}], {}, []], "emoji": "🚀 naïve 日本語"}}"#,
        #"[1, true, "x", null, {"k": [false]}]"#,
    ])
    func parity(json: String) throws {
        let (ours, reference) = try Self.both(json)
        #expect(ours != nil)
        #expect(ours == reference)
    }

    @Test("a bare string or number is not an object: no text, as before")
    func fragments() throws {
        #expect(CompactJSON.text(try JSONNodeReader.read(#""just text""#)) == nil)
        #expect(CompactJSON.text(try JSONNodeReader.read("3")) == nil)
    }
}
