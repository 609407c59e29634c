import Foundation
import Ollama

/// The words sent to the model. ``version`` is part of the key under which summaries are
/// stored and reused: change it whenever the prompts or the schema change, so that older
/// summaries are made again rather than served.
public enum SummaryPrompt {
    public static let version = "summary-v1"

    static let system = """
        You summarise a Claude Code session (a person working with an AI coding assistant) so \
        that a new session can continue the work. Answer only with JSON matching the schema. \
        goal: what the person is trying to achieve. decisions: choices made and why. \
        files: each file changed and what changed. errors: each error and how it was resolved \
        (or "unresolved"). open_todos: work still to do. next_step: the very next action. \
        key_facts: names, commands, numbers and constraints a successor must know. \
        Be specific and brief; never invent anything that is not in the text.
        """

    /// The request for one part of the transcript.
    static func part(_ text: String, number: Int, of total: Int) -> String {
        let which = total == 1 ? "the whole session" : "part \(number) of \(total) of the session"
        return "Summarise \(which):\n\n" + text
    }

    /// The request to merge summaries of consecutive parts into one.
    static func merge(_ partials: [SummaryReply]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let parts = partials.enumerated().map { index, reply in
            "Part \(index + 1): " + String(decoding: (try? encoder.encode(reply)) ?? Data(), as: UTF8.self)
        }
        return "Merge these summaries of consecutive parts of one session, in order, into one summary. "
            + "Keep every file, error, decision and open todo; drop only repeats; later parts override earlier ones "
            + "for open todos and the next step.\n\n" + parts.joined(separator: "\n\n")
    }

    /// Said after a reply that did not match the schema, before asking once more.
    static func correction(_ problems: [String]) -> String {
        "Your reply did not match the JSON schema (" + problems.prefix(5).joined(separator: "; ")
            + "). Reply again with JSON only, with every field of the schema."
    }
}
