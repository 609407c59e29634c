import Compression
import Testing
import Transcript

@Suite("Deterministic levels")
struct LevelTests {
    static func session() -> TranscriptBuilder {
        var t = TranscriptBuilder()
        t.user("Why does the build fail?")
        t.thinking("SECRET-THOUGHT: maybe the linker")
        t.assistant("Let me look at the build log.")
        let log = (1...300).map { "line \($0) of the build log" }.joined(separator: "\n")
        t.tool("Bash", ["command": "swift build"], result: log, error: true)
        t.tool("Read", ["file_path": "/repo/Package.swift"], result: "// swift-tools-version:6.2\nlet package = Package()")
        t.tool("Read", ["file_path": "/repo/Package.swift"], result: "// swift-tools-version:6.2\nlet package = Package()")
        let blob = String(repeating: "QUJD", count: 200)
        t.tool("Read", ["file_path": "/repo/logo.png"], result: "data:image/png;base64,\(blob)")
        t.tool("Edit", ["file_path": "/repo/Package.swift", "old_string": "Package()", "new_string": "Package(name: \"x\")"],
               result: "The file /repo/Package.swift has been updated.")
        t.tool("Read", ["file_path": "/repo/Package.swift"], result: "let package = Package(name: \"x\")")
        t.assistant("The package had no name.\n\nFixed it in `Package.swift`.")
        return t
    }

    @Test("structural: thinking gone, output cut to head and tail with a count, repeats collapsed, base64 dropped, prose verbatim")
    func structural() {
        let result = Compressor.compress(Self.session().conversation, level: .structural)
        let text = result.text
        #expect(!text.contains("SECRET-THOUGHT"))
        #expect(text.contains("Why does the build fail?"))
        #expect(text.contains("The package had no name.\n\nFixed it in `Package.swift`."))
        #expect(text.contains("line 1 of the build log"))
        #expect(text.contains("line 300 of the build log"))
        #expect(!text.contains("line 150 of the build log"))
        #expect(text.contains("[291 lines,"))
        #expect(text.contains("(unchanged since it was read above)"))
        #expect(!text.contains("QUJDQUJD"))
        #expect(text.contains("[base64, 822 characters dropped]"))
        // Read again after the edit: shown, because the file changed.
        #expect(text.contains("let package = Package(name: \"x\")"))
        #expect(text.contains("### User · entry u1"))
        #expect(result.outputTokens == TokenEstimator.estimate(text))
        #expect(result.inputTokens > result.outputTokens)
    }

    @Test("spine: prompts and prose verbatim, one line per tool call, failures marked")
    func spine() {
        let text = Compressor.compress(Self.session().conversation, level: .spine).text
        #expect(text.contains("Why does the build fail?"))
        #expect(text.contains("The package had no name.\n\nFixed it in `Package.swift`."))
        #expect(text.contains("- Bash `swift build` ✗ line 1 of the build log\n"))
        #expect(text.contains("- Read Package.swift\n"))
        #expect(text.contains("- Edit Package.swift\n"))
        #expect(!text.contains("line 2 of the build log"))
        #expect(!text.contains("SECRET-THOUGHT"))
    }

    @Test("digest: sections with the facts, and recall 1 when they all fit")
    func digest() {
        let result = Compressor.compress(Self.session().conversation, level: .digest)
        let text = result.text
        for heading in ["## Goal and requests", "## Files", "## Errors and how they ended", "## Where it stopped"] {
            #expect(text.contains(heading))
        }
        #expect(text.contains("- Modified: Package.swift"))
        #expect(text.contains("- Bash `swift build`: line 1 of the build log → not resolved"))
        #expect(text.contains("Last request (entry u1): Why does the build fail?"))
        #expect(result.recall.score == 1)
        #expect(result.recall.dropped.isEmpty)
        #expect(result.recall.total == 4)
    }

    @Test("digest fits any budget, and names what it had to drop")
    func digestBudget() {
        var t = TranscriptBuilder()
        for index in 1...40 {
            t.user("Request number \(index): " + String(repeating: "please change the widget colour ", count: 8))
            t.tool("Edit", ["file_path": "/repo/file\(index).swift", "old_string": "a", "new_string": "b"], result: "ok")
        }
        let conversation = t.conversation
        let full = Compressor.compress(conversation, level: .digest, maxTokens: 100_000)
        #expect(full.recall.score == 1)
        for budget in [40, 150, 400, 800, 1500] {
            let result = Compressor.compress(conversation, level: .digest, maxTokens: budget)
            #expect(result.outputTokens <= budget)
            #expect(result.fitsBudget)
            #expect(result.recall.total == full.recall.total)
            #expect(result.recall.kept + result.recall.dropped.count == result.recall.total)
            for fact in result.recall.dropped { #expect(!oneLine(result.text).contains(fact.key)) }
        }
        let tight = Compressor.compress(conversation, level: .digest, maxTokens: 400)
        #expect(tight.recall.score < 1)
        #expect(tight.recall.dropped.contains { $0.kind == .humanRequest })
        // The first and the last request stay when middle ones go.
        #expect(tight.text.contains("Request number 1:"))
        #expect(tight.text.contains("Request number 40:"))
    }

    @Test("the same conversation always gives the same text")
    func deterministic() {
        let conversation = Self.session().conversation
        for level in CompressionLevel.allCases {
            #expect(Compressor.compress(conversation, level: level).text == Compressor.compress(conversation, level: level).text)
        }
    }
}

/// Text on one line, whitespace runs as one space, as recall compares it.
func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
}
