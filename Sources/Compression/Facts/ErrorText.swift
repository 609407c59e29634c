/// The telling line of a tool error.
enum ErrorText {
    /// The first non-empty line, without the `<tool_use_error>` wrapper Claude Code adds.
    static func firstLine(_ text: String) -> String {
        let unwrapped = text.replacingOccurrences(of: "<tool_use_error>", with: "")
            .replacingOccurrences(of: "</tool_use_error>", with: "")
        let line = unwrapped.split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return line.trimmingCharacters(in: .whitespaces)
    }
}
