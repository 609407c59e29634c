import Foundation

/// Reads a line's fields and decides its kind and searchable text.
///
/// Many `user` lines are not the person: tool results, slash-command wrappers (`isMeta`,
/// `<command-name>`), `<system-reminder>` blocks, compaction summaries and interruption
/// markers. Only what remains is a ``EntryKind/humanPrompt``.
enum EntryClassifier {
    /// The top-level fields `classify` reads; the reader only checks the others.
    static let fieldsRead: Set<String> = [
        "type", "subtype", "uuid", "parentUuid", "logicalParentUuid", "sessionId", "agentId", "isSidechain", "isMeta",
        "isCompactSummary", "timestamp", "cwd", "gitBranch", "version", "message", "requestId", "summary", "content",
        "aiTitle", "customTitle", "title",
    ]

    static func classify(_ fields: JSONNode, raw: String) -> TranscriptEntry {
        let type = fields["type"]?.string ?? "unknown"
        let message = fields["message"]
        let usage = message?["usage"]
        var entry = TranscriptEntry(
            type: type, subtype: fields["subtype"]?.string, uuid: fields["uuid"]?.string,
            // A compaction boundary starts a new root but names the line it continues from.
            parentUUID: fields["parentUuid"]?.string ?? fields["logicalParentUuid"]?.string, sessionID: fields["sessionId"]?.string,
            agentID: fields["agentId"]?.string, isSidechain: fields["isSidechain"]?.bool ?? false,
            isMeta: fields["isMeta"]?.bool ?? false, isCompactSummary: fields["isCompactSummary"]?.bool ?? false,
            timestamp: fields["timestamp"]?.string, cwd: fields["cwd"]?.string, gitBranch: fields["gitBranch"]?.string,
            version: fields["version"]?.string, model: message?["model"]?.string, messageID: message?["id"]?.string,
            requestID: fields["requestId"]?.string,
            usage: .init(input: int(usage?["input_tokens"]), output: int(usage?["output_tokens"]),
                         cacheCreation: int(usage?["cache_creation_input_tokens"]), cacheRead: int(usage?["cache_read_input_tokens"])),
            kind: .bookkeeping, toolName: nil, toolUseID: nil, isError: false, text: "", toolCalls: [], raw: raw)

        switch type {
        case "assistant": classifyAssistant(message?["content"], into: &entry)
        case "user": classifyUser(message?["content"], into: &entry)
        case "summary":
            entry.kind = .compactSummary
            entry.text = fields["summary"]?.string ?? ""
        case "system":
            entry.kind = .systemEvent
            entry.text = [fields["subtype"]?.string, fields["content"]?.string].compactMap { $0 }.joined(separator: ": ")
        case "ai-title", "custom-title":
            entry.kind = .title
            // The first of these keys present, as long as it holds text.
            entry.text = (fields["aiTitle"] ?? fields["customTitle"] ?? fields["title"])?.string ?? ""
        default:
            entry.kind = .bookkeeping
        }
        return entry
    }

    private static func classifyAssistant(_ content: JSONNode?, into entry: inout TranscriptEntry) {
        guard let blocks = objects(content) else {
            entry.kind = .assistantText
            entry.text = content?.string ?? ""
            return
        }
        var texts: [String] = []
        var thinking: [String] = []
        for block in blocks {
            switch block["type"]?.string {
            case "text": texts.append(block["text"]?.string ?? "")
            case "thinking": thinking.append(block["thinking"]?.string ?? "")
            case "tool_use":
                let name = block["name"]?.string ?? "unknown"
                let input = block["input"].flatMap(CompactJSON.text) ?? ""
                entry.toolCalls.append(.init(id: block["id"]?.string, name: name, input: input))
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

    private static func classifyUser(_ content: JSONNode?, into entry: inout TranscriptEntry) {
        if let blocks = objects(content) {
            let results = blocks.filter { $0["type"]?.string == "tool_result" }
            if !results.isEmpty {
                entry.kind = .toolResult
                entry.toolUseID = results.first?["tool_use_id"]?.string
                entry.isError = results.contains { $0["is_error"]?.bool == true }
                entry.text = results.map { resultText($0["content"]) }.joined(separator: "\n")
                return
            }
            classifyUserText(texts(of: blocks), into: &entry)
        } else {
            classifyUserText(content?.string ?? "", into: &entry)
        }
    }

    private static func classifyUserText(_ text: String, into entry: inout TranscriptEntry) {
        entry.text = text
        // Only the start matters, read in place: trimming both ends with Foundation bridged
        // the whole text, a pasted file included (~5% of parsing).
        let start = text.drop(while: \.isWhitespace)
        if entry.isCompactSummary {
            entry.kind = .compactSummary
        } else if entry.isMeta || metaPrefixes.contains(where: start.hasPrefix) {
            entry.kind = .meta
        } else if start.hasPrefix("<system-reminder>") && holdsOnlyReminders(start) {
            entry.kind = .systemReminder
        } else if start.isEmpty {
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

    /// Whether nothing but whitespace is left once every `<system-reminder>…</system-reminder>`
    /// block is taken out.
    private static func holdsOnlyReminders(_ text: Substring) -> Bool {
        var rest = text
        while let open = rest.range(of: "<system-reminder>"), let close = rest.range(of: "</system-reminder>", range: open.upperBound..<rest.endIndex) {
            rest = rest[..<open.lowerBound] + rest[close.upperBound...]
        }
        return rest.allSatisfy(\.isWhitespace)
    }

    private static func resultText(_ content: JSONNode?) -> String {
        if let text = content?.string { return text }
        return objects(content).map(texts) ?? ""
    }

    /// The `text` of each text block, one per line.
    private static func texts(of blocks: [JSONNode]) -> String {
        blocks.compactMap { $0["type"]?.string == "text" ? $0["text"]?.string : nil }.joined(separator: "\n")
    }

    /// The content's blocks when it is a list of objects only, as a block list always is.
    private static func objects(_ content: JSONNode?) -> [JSONNode]? {
        guard let elements = content?.array else { return nil }
        for element in elements {
            guard case .object = element else { return nil }
        }
        return elements
    }

    private static func int(_ value: JSONNode?) -> Int64 {
        value?.int64 ?? 0
    }
}
