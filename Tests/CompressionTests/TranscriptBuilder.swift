import Compression
import Foundation

/// Writes small Claude Code transcripts line by line, each line a child of the previous
/// one unless told otherwise, with timestamps one second apart.
struct TranscriptBuilder {
    private(set) var lines: [[String: Any]] = []
    private var counter = 0
    var sessionID = "s-1"
    var cwd = "/repo"
    var branch = "main"
    /// The parent of the next line; nil starts a new root.
    var parent: String?

    @discardableResult
    mutating func line(_ type: String, _ fields: [String: Any] = [:], uuid: String? = nil, sidechain: Bool = false) -> String {
        counter += 1
        let id = uuid ?? "u\(counter)"
        var line: [String: Any] = [
            "type": type, "uuid": id, "sessionId": sessionID, "cwd": cwd, "gitBranch": branch,
            "isSidechain": sidechain, "timestamp": String(format: "2026-01-01T10:%02d:%02dZ", counter / 60, counter % 60),
        ]
        if let parent { line["parentUuid"] = parent }
        for (key, value) in fields { line[key] = value }
        lines.append(line)
        parent = id
        return id
    }

    @discardableResult
    mutating func user(_ text: String, meta: Bool = false) -> String {
        line("user", ["message": ["role": "user", "content": text], "isMeta": meta])
    }

    @discardableResult
    mutating func assistant(_ text: String) -> String {
        line("assistant", ["message": ["role": "assistant", "content": [["type": "text", "text": text]]]])
    }

    @discardableResult
    mutating func thinking(_ text: String) -> String {
        line("assistant", ["message": ["role": "assistant", "content": [["type": "thinking", "thinking": text]]]])
    }

    /// A tool call and its result; returns the result line's uuid.
    @discardableResult
    mutating func tool(_ name: String, _ input: [String: Any], result: String, error: Bool = false) -> String {
        counter += 1
        let callID = "toolu_\(counter)"
        line("assistant", ["message": ["role": "assistant", "content": [["type": "tool_use", "id": callID, "name": name, "input": input]]]])
        return line("user", ["message": ["role": "user", "content": [
            ["type": "tool_result", "tool_use_id": callID, "content": result, "is_error": error],
        ]]])
    }

    var jsonl: String {
        lines.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
    }

    var conversation: Conversation { Conversation(entries: TranscriptDecoder.decode(jsonl).entries) }
}
