/// Writes the speaker headings of the conversation levels, once per change of speaker.
struct TranscriptSection {
    private(set) var text = ""
    private var speaker: String?

    /// Adds `body` under a `### who` heading. A cited entry always gets its own heading,
    /// naming the entry's uuid so a reader can fetch it.
    mutating func speak(_ who: String, _ body: String, entry uuid: String? = nil) {
        if speaker != who || uuid != nil {
            text += (text.isEmpty ? "" : "\n") + "### \(who)" + (uuid.map { " · entry \($0)" } ?? "") + "\n"
            speaker = who
        }
        text += body + "\n"
    }
}
