import Foundation

/// Writes a new file through a 1 MiB buffer; blocking, so used on a pool thread only.
final class BufferedFileWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let flushAt = 1 << 20

    /// Creates (or empties) the file at `url`.
    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(Self.flushAt + 64 * 1024)
    }

    func write(_ text: String) throws {
        buffer += text.utf8
        if buffer.count >= Self.flushAt { try flush() }
    }

    func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= Self.flushAt { try flush() }
    }

    /// Writes what is buffered, syncs the file to disk and closes it.
    func finish() throws {
        try flush()
        try handle.synchronize()
        try handle.close()
    }

    /// Closes without syncing, after a failure.
    func abandon() {
        try? handle.close()
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
