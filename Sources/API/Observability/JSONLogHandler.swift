import Foundation
import Logging
import NIOConcurrencyHelpers

/// Writes one JSON object per line: `time`, `level`, `msg`, then the metadata fields.
///
/// Built by hand rather than with a generic encoder because every request logs a line and
/// the log path must not cost throughput.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: LogOutput

    public init(label: String, level: Logger.Level, output: LogOutput = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(level: event.level, message: event.message, explicit: event.metadata)
    }

    private func write(level: Logger.Level, message: Logger.Message, explicit: Logger.Metadata?) {
        var line = "{\"time\":\""
        line += Self.timestamp()
        line += "\",\"level\":\""
        line += level.rawValue
        line += "\",\"msg\":"
        JSONText.appendString(message.description, to: &line)
        var fields = self.metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let explicit { fields.merge(explicit) { $1 } }
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            Self.append(value, to: &line)
        }
        line += "}\n"
        output.write(line)
    }

    private static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): JSONText.appendString(text, to: &line)
        case .stringConvertible(let convertible):
            // Numbers stay numbers so log queries can compare them.
            if let number = convertible as? any BinaryInteger { line += "\(number)" }
            else if let number = convertible as? Double, number.isFinite { line += "\(number)" }
            else if let flag = convertible as? Bool { line += flag ? "true" : "false" }
            else { JSONText.appendString(convertible.description, to: &line) }
        case .array(let items):
            line += "["
            for (index, item) in items.enumerated() {
                if index > 0 { line += "," }
                append(item, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, (key, item)) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                JSONText.appendString(key, to: &line)
                line += ":"
                append(item, to: &line)
            }
            line += "}"
        }
    }

    /// RFC 3339 UTC with milliseconds, from `gettimeofday` (much cheaper than a formatter).
    static func timestamp() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(now.tv_usec) / 1000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millisText)Z"
    }
}

/// Where log lines go. Lines are written whole under a lock so they never interleave.
public final class LogOutput: Sendable {
    private let lock = NIOLock()
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    /// Unbuffered writes to file descriptor 1: a line is out before the next one starts,
    /// so nothing is lost when the process is killed.
    public static let standardOutput = LogOutput { line in
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    public func write(_ line: String) { lock.withLock { sink(line) } }
}
