import Transcript

/// Picks the conversation a session ended with out of its entry tree.
///
/// Rewinds and sidechains branch the tree; the conversation that matters is the path from
/// the newest leaf back to the root. Only conversation lines count as that leaf or as the
/// children that stop a line being one: progress lines hang off messages, even the last. A subagent
/// transcript has only sidechain lines, so when no main-chain leaf exists the newest
/// sidechain leaf is taken instead.
enum ConversationPath {
    /// Indexes into `entries` of the path, in file order.
    static func select(_ entries: [TranscriptEntry]) -> [Int] {
        var byUUID: [String: Int] = [:]
        var hasChild = Set<String>()
        for (index, entry) in entries.enumerated() {
            guard let uuid = entry.uuid else { continue }
            byUUID[uuid] = index
            // Hook progress lines hang off the last message: only a conversation child ends a leaf.
            if let parent = entry.parentUUID, isConversation(entry.kind) { hasChild.insert(parent) }
        }
        func newestLeaf(sidechain: Bool) -> Int? {
            var newest: Int?
            for (index, entry) in entries.enumerated() {
                guard let uuid = entry.uuid, !hasChild.contains(uuid), entry.isSidechain == sidechain,
                      isConversation(entry.kind) else { continue }
                // ISO-8601 UTC text compares in time order; a later line wins a tie.
                if let current = newest, (entry.timestamp ?? "") < (entries[current].timestamp ?? "") { continue }
                newest = index
            }
            return newest
        }
        var path: [Int] = []
        var seen = Set<String>()
        var cursor = newestLeaf(sidechain: false) ?? newestLeaf(sidechain: true)
        // A cycle or a missing parent ends the walk instead of hanging it.
        while let index = cursor, let uuid = entries[index].uuid, seen.insert(uuid).inserted {
            path.append(index)
            cursor = entries[index].parentUUID.flatMap { byUUID[$0] }
        }
        return path.reversed()
    }

    static func isConversation(_ kind: EntryKind) -> Bool {
        switch kind {
        case .humanPrompt, .assistantText, .thinking, .toolCall, .toolResult, .compactSummary: return true
        case .meta, .systemReminder, .systemEvent, .title, .bookkeeping: return false
        }
    }
}
