/// Cuts a byte stream into newline-delimited lines as the bytes arrive, keeping a partial
/// line until its end comes. Blank lines are skipped; a trailing `\r` is dropped.
struct NDJSONLineBuffer: Sendable {
    /// Bytes after the last newline seen.
    private var pending: [UInt8] = []
    /// A longer line means a broken stream, not an answer: stop before memory runs out.
    let maxLineBytes: Int

    init(maxLineBytes: Int = 16 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    enum Overflow: Error { case lineTooLong }

    /// Feeds `bytes`, calling `line` for each line completed; stops early when `line`
    /// returns `false`, and then returns `false` too.
    mutating func append(_ bytes: UnsafeRawBufferPointer, line: (ArraySlice<UInt8>) -> Bool) throws(Overflow) -> Bool {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = bytes[start..<newline]
            start = newline + 1
            let keepGoing: Bool
            if pending.isEmpty {
                keepGoing = emit(Array(piece)[...], to: line)
            } else {
                pending.append(contentsOf: piece)
                let whole = pending
                pending.removeAll(keepingCapacity: true)
                keepGoing = emit(whole[...], to: line)
            }
            if !keepGoing { return false }
        }
        pending.append(contentsOf: bytes[start...])
        if pending.count > maxLineBytes { throw .lineTooLong }
        return true
    }

    /// Delivers a last line that had no newline after it (Ollama ends with one, proxies may not).
    mutating func finish(line: (ArraySlice<UInt8>) -> Bool) -> Bool {
        defer { pending.removeAll() }
        return emit(pending[...], to: line)
    }

    private func emit(_ raw: ArraySlice<UInt8>, to line: (ArraySlice<UInt8>) -> Bool) -> Bool {
        var text = raw
        if text.last == UInt8(ascii: "\r") { text = text.dropLast() }
        if text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return true }
        return line(text)
    }
}
