import Transcript

/// Builds a ``RestorePack``: each session at the most faithful level that fits its share
/// of the budget, which never exceeds `maxTokens` in total.
///
/// The budget left after the heading is shared equally among the sessions still to come
/// (but no share is smaller than a useful digest while the budget lasts), so what one
/// session does not use passes on to the next. A session gets `structural`
/// when it fits its share, else `spine`, else a `digest` fitted to the share; a session
/// whose share is too small even for a digest is left out and named.
public struct RestorePackBuilder: Sendable {
    public var maxTokens: Int

    /// Below this a share cannot hold a useful digest.
    public static let minimumShare = 60

    public init(maxTokens: Int) {
        self.maxTokens = maxTokens
    }

    public func build(_ sources: [RestoreSource]) -> RestorePack {
        let heading = "# Context from earlier sessions\n\n"
            + "Compressed from \(sources.count) session\(sources.count == 1 ? "" : "s"). Cited entries can be read whole "
            + "with GET /api/sessions/{session}/entries.\n"
        var text = DigestRenderer.cut(heading, to: maxTokens)
        var remaining = maxTokens - TokenEstimator.estimate(text)
        var parts: [RestorePack.Part] = []
        var omitted: [String] = []
        for (index, source) in sources.enumerated() {
            // An equal share, but never less than a useful digest while the budget lasts:
            // with many sessions and little room the first ones get in and the rest are named.
            let share = max(remaining / (sources.count - index), min(remaining, 3 * Self.minimumShare))
            guard share >= Self.minimumShare, let (section, result) = section(source, budget: share) else {
                omitted.append(source.sessionID)
                continue
            }
            let tokens = TokenEstimator.estimate(section)
            text += section
            remaining -= tokens
            parts.append(.init(sessionID: source.sessionID, level: result.level, tokens: tokens, recall: result.recall))
        }
        // Estimates of parts add up to at least the estimate of the whole; this is a guard.
        if TokenEstimator.estimate(text) > maxTokens { text = DigestRenderer.cut(text, to: maxTokens) }
        return RestorePack(text: text, tokens: TokenEstimator.estimate(text), maxTokens: maxTokens, parts: parts, omittedSessions: omitted)
    }

    /// The session's heading and text at the best level within `budget`.
    private func section(_ source: RestoreSource, budget: Int) -> (String, CompressionResult)? {
        var about = [source.gitBranch.map { "branch \($0)" }, source.lastActivity.map { "last active \($0)" }].compactMap { $0 }
        let title = source.title.map { " — " + Snippet.clip($0, 80) } ?? ""
        func heading(_ level: CompressionLevel) -> String {
            about.append("level \(level.rawValue)")
            defer { about.removeLast() }
            return "\n## Session \(source.sessionID)\(title)\n" + about.joined(separator: " · ") + "\n\n"
        }
        for level in [CompressionLevel.structural, .spine] {
            let result = Compressor.compress(source.conversation, level: level)
            let section = heading(level) + result.text
            if TokenEstimator.estimate(section) <= budget { return (section, result) }
        }
        let top = heading(.digest)
        let digestBudget = budget - TokenEstimator.estimate(top)
        guard digestBudget >= Self.minimumShare / 2 else { return nil }
        let result = Compressor.compress(source.conversation, level: .digest, maxTokens: digestBudget)
        return (top + result.text, result)
    }
}
