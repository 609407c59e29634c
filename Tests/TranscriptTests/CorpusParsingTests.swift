import Foundation
import TestSupport
import Testing
import Transcript

@Suite("Parsing the real corpus")
struct CorpusParsingTests {
    /// Parses a whole file in chunks of `chunkSize` bytes.
    static func parse(_ url: URL, chunkSize: Int = 64 * 1024) throws -> (entries: [TranscriptEntry], malformed: [TranscriptLineParser.Malformed], splitter: JSONLineSplitter) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var splitter = JSONLineSplitter()
        var parser = TranscriptLineParser()
        var entries: [TranscriptEntry] = []
        var malformed: [TranscriptLineParser.Malformed] = []
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            splitter.feed(chunk) { line in
                switch parser.parse(line) {
                case .success(let entry): entries.append(entry)
                case .failure(let error): malformed.append(error)
                }
            }
        }
        return (entries, malformed, splitter)
    }

    @Test("every public transcript parses whole, with the manifest's type, error and sidechain counts")
    func manifestCounts() throws {
        let files = try CorpusFile.all().filter { $0.relativePath.hasPrefix("transcripts/") }
        #expect(files.count >= 29)
        for file in files {
            let (entries, malformed, splitter) = try Self.parse(file.path)
            #expect(malformed.isEmpty, "\(file.relativePath): \(malformed.prefix(3))")
            #expect(splitter.pendingBytes == 0)
            var types: [String: Int] = [:]
            for entry in entries { types[entry.type, default: 0] += 1 }
            #expect(types == file.types, "\(file.relativePath)")
            #expect(entries.filter(\.isError).count == file.errorResults, "\(file.relativePath)")
            #expect(entries.filter(\.isSidechain).count == file.sidechainLines, "\(file.relativePath)")
        }
    }

    @Test("edge-case files never stop the parser; every non-empty line is an entry or a reported malformed line")
    func edgeCases() throws {
        for file in try CorpusFile.all().filter({ $0.relativePath.hasPrefix("edge-cases/") }) {
            let (entries, malformed, splitter) = try Self.parse(file.path)
            let text = try String(contentsOf: file.path, encoding: .utf8)
            let nonEmpty = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
            // A file whose last line has no newline ends torn: that line is held back, not lost.
            let heldBack = splitter.pendingBytes > 0 ? 1 : 0
            #expect(entries.count + malformed.count + heldBack == nonEmpty, "\(file.relativePath)")
        }
    }

    @Test("chunk boundaries anywhere give the same entries as one pass", arguments: [1, 7, 4096, 65_536])
    func chunking(chunkSize: Int) throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/tool_heavy.jsonl")
        let whole = try Self.parse(file, chunkSize: 1 << 24).entries
        let chunked = try Self.parse(file, chunkSize: chunkSize).entries
        #expect(chunked == whole)
        #expect(!whole.isEmpty)
    }

    @Test("kinds: real prompts are human, wrappers and reminders are not")
    func kinds() throws {
        let file = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/258c7280-ae70-4798-800f-63464d01a85d.jsonl")
        let entries = try Self.parse(file).entries
        let human = entries.filter { $0.kind == .humanPrompt }
        #expect(!human.isEmpty)
        #expect(human.allSatisfy { !$0.text.hasPrefix("<command-") && !$0.text.hasPrefix("<system-reminder>") && !$0.isMeta })
        #expect(entries.contains { $0.kind == .compactSummary })
        #expect(entries.contains { $0.kind == .toolCall && $0.toolName == "Bash" })
        #expect(entries.contains { $0.kind == .toolResult && $0.toolName == "Bash" })
        #expect(entries.contains { $0.kind == .thinking })
        #expect(entries.filter { $0.type == "progress" }.allSatisfy { $0.kind == .bookkeeping })
        let usage = entries.first { $0.type == "assistant" }?.usage
        #expect((usage?.output ?? 0) > 0)
    }
}

@Suite("Line splitting")
struct LineSplitterTests {
    @Test("a torn last line is held back until its newline arrives, with offsets kept")
    func tornLine() {
        var splitter = JSONLineSplitter(startOffset: 100, startLine: 1)
        var lines: [JSONLineSplitter.Line] = []
        splitter.feed(Array("{\"a\":1}\n{\"b\":".utf8)) { lines.append($0) }
        #expect(lines.map(\.offset) == [100])
        #expect(splitter.completedOffset == 108)
        #expect(splitter.pendingBytes == 5)
        splitter.feed(Array("2}\r\n\n{\"c\":3}\n".utf8)) { lines.append($0) }
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
        #expect(lines.map(\.number) == [1, 2, 4])
        #expect(lines.map(\.offset) == [100, 108, 118])
        #expect(splitter.completedOffset == 126)
        #expect(splitter.pendingBytes == 0)
    }

    @Test("a line holds only its own bytes, not the capacity of a longer line before it", arguments: [1, 4096])
    func lineBytesExact(chunkSize: Int) {
        let long = "{\"a\":\"" + String(repeating: "x", count: 200_000) + "\"}\n"
        let body = Array((long + String(repeating: "{\"b\":2}\n", count: 5)).utf8)
        var splitter = JSONLineSplitter()
        var lines: [JSONLineSplitter.Line] = []
        for start in stride(from: 0, to: body.count, by: chunkSize) {
            // Every line of the 1-byte feed crosses chunks; with 4096 the short ones do not.
            splitter.feed(body[start..<min(start + chunkSize, body.count)]) { lines.append($0) }
        }
        #expect(lines.count == 6)
        #expect(lines.dropFirst().allSatisfy { $0.bytes.capacity < 1000 }, "\(lines.map(\.bytes.capacity))")
    }

    @Test("malformed lines are reported with their number and the rest still parse")
    func malformed() {
        var splitter = JSONLineSplitter()
        var parser = TranscriptLineParser()
        var results: [Result<TranscriptEntry, TranscriptLineParser.Malformed>] = []
        let bytes = Array("{\"type\":\"user\",\"uuid\":\"u1\",\"message\":{\"content\":\"hi\"}}\nnot json\n[1,2]\n".utf8) + [0xFF, 0xFE, 0x0A]
            + Array("{\"type\":\"brand-new-type\",\"x\":1}\n".utf8)
        splitter.feed(bytes) { results.append(parser.parse($0)) }
        #expect(results.count == 5)
        let failures = results.compactMap { if case .failure(let error) = $0 { return error } else { return nil } }
        #expect(failures.map(\.lineNumber) == [2, 3, 4])
        #expect(failures.map(\.reason) == ["not JSON", "not a JSON object", "not valid UTF-8"])
        guard case .success(let unknown) = results[4] else { Issue.record("unknown type not kept"); return }
        #expect(unknown.type == "brand-new-type")
        #expect(unknown.kind == .bookkeeping)
        #expect(unknown.raw == "{\"type\":\"brand-new-type\",\"x\":1}")
    }

    @Test("a NUL in a line's text is dropped from the searchable text, which both databases then store whole")
    func nulInText() throws {
        var parser = TranscriptLineParser()
        let line = #"{"type":"user","uuid":"u1","message":{"role":"user","content":"before\u0000after"}}"#
        var splitter = JSONLineSplitter()
        var entries: [TranscriptEntry] = []
        splitter.feed(Array((line + "\n").utf8)) { if case .success(let entry) = parser.parse($0) { entries.append(entry) } }
        let entry = try #require(entries.first)
        #expect(entry.text == "beforeafter")
        #expect(entry.raw == line)
    }

    @Test("a user line's kind reads past leading whitespace: wrappers, reminders only, blank, or a prompt")
    func userTextKinds() throws {
        func kind(_ content: String) throws -> EntryKind? {
            let text = String(decoding: try JSONSerialization.data(withJSONObject: content, options: .fragmentsAllowed), as: UTF8.self)
            let line = #"{"type":"user","uuid":"u","sessionId":"s","message":{"role":"user","content":"# + text + "}}\n"
            var splitter = JSONLineSplitter()
            var parser = TranscriptLineParser()
            var kinds: [EntryKind] = []
            splitter.feed(Data(line.utf8)) { if case .success(let entry) = parser.parse($0) { kinds.append(entry.kind) } }
            return kinds.first
        }
        #expect(try kind("\n  <command-name>/clear</command-name>") == .meta)
        #expect(try kind(" \n\t ") == .meta)
        #expect(try kind("\n<system-reminder>a</system-reminder>\n <system-reminder>b</system-reminder>\n") == .systemReminder)
        #expect(try kind("<system-reminder>a</system-reminder> and a question") == .humanPrompt)
        #expect(try kind("  Fix the login bug  ") == .humanPrompt)
    }
}
