import Foundation

/// Splits a byte stream into lines, remembering where each starts.
///
/// Bytes arrive in chunks of any size; a line is emitted once its newline arrives, so only
/// the current unfinished line is ever buffered, whatever the file size. A last line without
/// a newline (a live session being written) is held back: ``pendingBytes`` says how much,
/// and ``completedOffset`` is where to resume once the writer has finished it.
public struct JSONLineSplitter: Sendable {
    /// One complete line, without its line terminator.
    public struct Line: Sendable {
        /// 1-based line number, counting from the first byte fed.
        public let number: Int
        /// Byte offset of the line's first byte in the whole stream.
        public let offset: Int64
        public let bytes: [UInt8]
    }

    /// The offset just after the last complete line.
    public private(set) var completedOffset: Int64
    private var partial: [UInt8] = []
    private var partialStart: Int64
    private var nextLineNumber: Int

    public init(startOffset: Int64 = 0, startLine: Int = 1) {
        completedOffset = startOffset
        partialStart = startOffset
        nextLineNumber = startLine
    }

    /// Bytes of an unfinished last line, held back.
    public var pendingBytes: Int { partial.count }

    /// Feeds the next chunk and calls `emit` for every line it completes (empty lines are
    /// counted but not emitted).
    public mutating func feed(_ chunk: some Collection<UInt8>, _ emit: (Line) throws -> Void) rethrows {
        // Arrays and NIO buffers are contiguous: scan them with memchr rather than through
        // the generic (unspecialised across modules) collection interface.
        if try chunk.withContiguousStorageIfAvailable({ try feed(buffer: $0, emit) }) != nil { return }
        var lineStart = chunk.startIndex
        var index = chunk.startIndex
        while index != chunk.endIndex {
            if chunk[index] == 0x0A {
                partial.append(contentsOf: chunk[lineStart..<index])
                try finishPartialLine(emit)
                lineStart = chunk.index(after: index)
            }
            index = chunk.index(after: index)
        }
        partial.append(contentsOf: chunk[lineStart..<chunk.endIndex])
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, _ emit: (Line) throws -> Void) rethrows {
        guard let base = buffer.baseAddress else { return }
        var lineStart = 0
        while lineStart < buffer.count, let newline = memchr(base + lineStart, 0x0A, buffer.count - lineStart) {
            let end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(newline))
            let rest = UnsafeBufferPointer(rebasing: buffer[lineStart..<end])
            if partial.isEmpty {
                try finishLine(Array(rest), emit)
            } else {
                partial.append(contentsOf: rest)
                try finishPartialLine(emit)
            }
            lineStart = end + 1
        }
        partial.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[lineStart...]))
    }

    /// Emits the buffered line as an exact-size copy, keeping the buffer's capacity: handing
    /// the buffer itself out made the next line allocate a new one at the capacity of the
    /// longest line so far, and every line held that much until parsed (a 32 MB slice's pieces
    /// took ~100 MB more).
    private mutating func finishPartialLine(_ emit: (Line) throws -> Void) rethrows {
        let bytes = partial.withUnsafeBufferPointer { Array($0) }
        partial.removeAll(keepingCapacity: true)
        try finishLine(bytes, emit)
    }

    /// Emits `bytes`, a line without its newline, and moves past it.
    private mutating func finishLine(_ bytes: [UInt8], _ emit: (Line) throws -> Void) rethrows {
        var bytes = bytes
        let length = Int64(bytes.count) + 1
        if bytes.last == 0x0D { bytes.removeLast() }
        let line = Line(number: nextLineNumber, offset: partialStart, bytes: bytes)
        nextLineNumber += 1
        partialStart += length
        completedOffset = partialStart
        if !bytes.isEmpty && !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { try emit(line) }
    }
}
