import Foundation

/// How far each file has been imported, per destination, kept in a small JSON file so that
/// running `cci import` again reads only what was appended since.
///
/// A file that is now shorter than its remembered offset was replaced or truncated, and is
/// read again from the start (storing is idempotent, so that is always safe). Two imports
/// writing the same state file at once cost at most a re-read, never lost lines.
public struct ImportOffsets: Sendable {
    public let file: URL
    public let destination: String
    private var offsets: [String: Int64]
    private var others: [String: [String: Int64]]

    /// The default state file: `$XDG_STATE_HOME/cci/import-offsets.json`, else under `~/.local/state`.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_STATE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/state")
        return base.appendingPathComponent("cci/import-offsets.json")
    }

    /// Reads the state file (a missing one is empty; an unreadable one is an error, so a
    /// damaged file is never silently overwritten).
    public init(file: URL, destination: String) throws {
        self.file = file
        self.destination = destination
        var all: [String: [String: Int64]] = [:]
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                all = try JSONDecoder().decode(Stored.self, from: Data(contentsOf: file)).destinations
            } catch {
                throw ImportOffsetsError(file: file, reason: "\(error)")
            }
        }
        offsets = all.removeValue(forKey: destination) ?? [:]
        others = all
    }

    /// Where to start reading `path`, whose size is now `size`.
    public func start(for path: String, size: Int64) -> Int64 {
        guard let offset = offsets[path], offset <= size else { return 0 }
        return offset
    }

    public mutating func record(_ offset: Int64, for path: String) {
        offsets[path] = offset
    }

    /// Forgets every file of this destination, so the next import reads everything again.
    public mutating func forgetAll() {
        offsets = [:]
    }

    /// Writes the state atomically (a crash leaves the old file or the new one).
    public func save() throws {
        var all = others
        all[destination] = offsets
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(Stored(version: 1, destinations: all)).write(to: file, options: .atomic)
    }

    private struct Stored: Codable {
        var version: Int
        var destinations: [String: [String: Int64]]
    }
}

public struct ImportOffsetsError: Error, CustomStringConvertible {
    public let file: URL
    public let reason: String
    public var description: String {
        "the import state file \(file.path) cannot be read (\(reason)); fix or remove it, or pass --state with another path"
    }
}
