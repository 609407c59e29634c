import Foundation

/// Reads a line's fields and decides its kind and searchable text.
///
/// Many `user` lines are not the person: tool results, slash-command wrappers (`isMeta`,
/// `<command-name>`), `<system-reminder>` blocks, compaction summaries and interruption
/// markers. Only what remains is a ``EntryKind/humanPrompt``.
enum EntryClassifier {
    static func classify(_ fields: [String: Any], raw: String) -> TranscriptEntry {
        let type = fields["type"] as? String ?? "unknown"
        let message = fields["message"] as? [String: Any]
        let usage = message?["usage"] as? [String: Any]
        var entry = TranscriptEntry(
            type: type, subtype: fields["subtype"] as? String, uuid: fields["uuid"] as? String,
            // A compaction boundary starts a new root but names the line it continues from.
            parentUUID: (fields["parentUuid"] as? String) ?? (fields["logicalParentUuid"] as? String), sessionID: fields["sessionId"] as? String,
            agentID: fields["agentId"] as? String, isSidechain: fields["isSidechain"] as? Bool ?? false,
            isMeta: fields["isMeta"] as? Bool ?? false, isCompactSummary: fields["isCompactSummary"] as? Bool ?? false,
            timestamp: fields["timestamp"] as? String, cwd: fields["cwd"] as? String, gitBranch: fields["gitBranch"] as? String,
            version: fields["version"] as? String, model: message?["model"] as? String, messageID: message?["id"] as? String,
            requestID: fields["requestId"] as? String,
            usage: .init(input: int(usage?["input_tokens"]), output: int(usage?["output_tokens"]),
                         cacheCreation: int(usage?["cache_creation_input_tokens"]), cacheRead: int(usage?["cache_read_input_tokens"])),
            kind: .bookkeeping, toolName: nil, toolUseID: nil, isError: false, text: "", toolCalls: [], raw: raw)

        switch type {
        case "assistant": classifyAssistant(message?["content"], into: &entry)
        case "user": classifyUser(message?["content"], into: &entry)
        case "summary":
            entry.kind = .compactSummary
            entry.text = fields["summary"] as? String ?? ""
        case "system":
            entry.kind = .systemEvent
            entry.text = [fields["subtype"] as? String, fields["content"] as? String].compactMap { $0 }.joined(separator: ": ")
        case "ai-title", "custom-title":
            entry.kind = .title
            entry.text = (fields["aiTitle"] ?? fields["customTitle"] ?? fields["title"]) as? String ?? ""
        default:
            entry.kind = .bookkeeping
        }
        return entry
    }

    private static func classifyAssistant(_ content: Any?, into entry: inout TranscriptEntry) {
        guard let blocks = content as? [[String: Any]] else {
            entry.kind = .assistantText
            entry.text = content as? String ?? ""
            return
        }
        var texts: [String] = []
        var thinking: [String] = []
        for block in blocks {
            switch block["type"] as? String {
            case "text": texts.append(block["text"] as? String ?? "")
            case "thinking": thinking.append(block["thinking"] as? String ?? "")
            case "tool_use":
                let name = block["name"] as? String ?? "unknown"
                let input = compactJSON(block["input"])
                entry.toolCalls.append(.init(id: block["id"] as? String, name: name, input: input))
            default: break
            }
        }
        if !texts.isEmpty {
            entry.kind = .assistantText
        } else if let first = entry.toolCalls.first {
            entry.kind = .toolCall
            entry.toolName = first.name
            entry.toolUseID = first.id
        } else if !thinking.isEmpty {
            entry.kind = .thinking
        } else {
            entry.kind = .assistantText
        }
        let calls = entry.toolCalls.map { "\($0.name) \($0.input)" }
        entry.text = (texts + calls + (entry.kind == .thinking ? thinking : [])).joined(separator: "\n")
    }

    private static func classifyUser(_ content: Any?, into entry: inout TranscriptEntry) {
        if let blocks = content as? [[String: Any]] {
            let results = blocks.filter { $0["type"] as? String == "tool_result" }
            if !results.isEmpty {
                entry.kind = .toolResult
                entry.toolUseID = results.first?["tool_use_id"] as? String
                entry.isError = results.contains { $0["is_error"] as? Bool == true }
                entry.text = results.map { resultText($0["content"]) }.joined(separator: "\n")
                return
            }
            let text = blocks.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined(separator: "\n")
            classifyUserText(text, into: &entry)
        } else {
            classifyUserText(content as? String ?? "", into: &entry)
        }
    }

    private static func classifyUserText(_ text: String, into entry: inout TranscriptEntry) {
        entry.text = text
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if entry.isCompactSummary {
            entry.kind = .compactSummary
        } else if entry.isMeta || metaPrefixes.contains(where: trimmed.hasPrefix) {
            entry.kind = .meta
        } else if trimmed.hasPrefix("<system-reminder>") && stripReminders(trimmed).isEmpty {
            entry.kind = .systemReminder
        } else if trimmed.isEmpty {
            entry.kind = .meta
        } else {
            entry.kind = .humanPrompt
        }
    }

    /// Openings of user lines that Claude Code writes itself.
    static let metaPrefixes = [
        "<command-name>", "<command-message>", "<command-args>", "<local-command-stdout>", "<local-command-stderr>",
        "<local-command-caveat>", "<bash-input>", "<bash-stdout>", "<bash-stderr>", "<user-memory-input>",
        "[Request interrupted by user", "Caveat: The messages below were generated by the user while running local commands",
    ]

    private static func stripReminders(_ text: String) -> String {
        var rest = Substring(text)
        while let open = rest.range(of: "<system-reminder>"), let close = rest.range(of: "</system-reminder>", range: open.upperBound..<rest.endIndex) {
            rest = rest[..<open.lowerBound] + rest[close.upperBound...]
        }
        return rest.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func resultText(_ content: Any?) -> String {
        if let text = content as? String { return text }
        guard let blocks = content as? [[String: Any]] else { return "" }
        return blocks.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined(separator: "\n")
    }

    private static func compactJSON(_ value: Any?) -> String {
        value.flatMap(CompactJSON.text) ?? ""
    }

    private static func int(_ value: Any?) -> Int64 {
        (value as? NSNumber)?.int64Value ?? 0
    }
}
