import Foundation

/// Runs a command-line tool to completion without blocking a thread while it runs.
///
/// Its standard output and error go to a temporary file (so a chatty tool can never block
/// on a full pipe) and are returned, trimmed to the last 16 KB. The wait is not cut short
/// by task cancellation: a restore that has started runs to its end.
enum ToolProcess {
    struct Result: Sendable {
        let status: Int32
        let output: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("cci-tool-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
            throw BackupError.toolsUnavailable("cannot create \(logURL.path) for the output of \(executable)")
        }
        defer { try? FileManager.default.removeItem(at: logURL) }
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: BackupError.toolsUnavailable("cannot run \(executable): \(error)"))
            }
        }
        let data = (try? Data(contentsOf: logURL)) ?? Data()
        let output = String(decoding: data.suffix(16 * 1024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Result(status: status, output: output)
    }
}
