import Foundation
import Storage

/// Runs the real `cci` binary as a child process.
public final class CLIProcess: @unchecked Sendable {
    public let process = Process()
    private let output = PipeReader()
    private let errors = PipeReader()

    /// Starts `cci` with `arguments`; `environment` is added to a minimal environment
    /// (PATH and HOME only, so the developer's own settings cannot leak in).
    public init(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        process.executableURL = TestPaths.cciBinary
        process.arguments = arguments
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        base["CONFIG_FILE"] = "/dev/null"
        base["DATABASE_MIGRATIONS_DIR"] = TestPaths.migrations.path
        process.environment = base.merging(environment) { $1 }
        process.currentDirectoryURL = directory ?? TestPaths.repositoryRoot
        process.standardOutput = output.pipe
        process.standardError = errors.pipe
        try process.run()
        output.start()
        errors.start()
    }

    public var standardOutput: String { output.text }
    public var standardError: String { errors.text }

    /// Waits for exit (up to `timeout`), then returns the exit status.
    @discardableResult
    public func wait(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw Timeout(what: "cci \(process.arguments ?? [])")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // The readers finish at end of file, once everything the child wrote is collected.
        let drainDeadline = ContinuousClock.now + .seconds(5)
        while !(output.finished && errors.finished) && ContinuousClock.now < drainDeadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// Waits until standard output holds a line containing `text`; returns that line.
    public func waitForLine(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = standardOutput.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Timeout(what: "a line containing \(text); output so far:\n\(standardOutput)\n\(standardError)")
    }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Runs `cci` to completion and returns its exit status and output.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, errors: String) {
        let child = try CLIProcess(arguments, environment: environment)
        let status = try await child.wait()
        return (status, child.standardOutput, child.standardError)
    }

    /// Stops the child as a service is stopped (SIGTERM) and waits for it; its exit status.
    @discardableResult
    public func terminate() async throws -> Int32 {
        signal(SIGTERM)
        return try await wait()
    }

    public struct Timeout: Error, CustomStringConvertible {
        public let what: String
        public var description: String { "timed out waiting for \(what)" }
    }
}

/// Collects what a child writes to one pipe on a thread of its own, with blocking reads.
///
/// A `readabilityHandler` would do the same with a dispatch source, but
/// swift-corelibs-foundation's sources can crash the dispatch manager thread when the pipe
/// is closed while the source is still registered; a plain read loop cannot.
final class PipeReader: @unchecked Sendable {
    let pipe = Pipe()
    private let lock = NSLock()
    private var collected = Data()
    private var done = false

    func start() {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.withLock { collected.append(data) }
            }
            lock.withLock { done = true }
        }
    }

    var text: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }
    var finished: Bool { lock.withLock { done } }
}

extension TestDatabase {
    /// A fresh database of `backend` whose schema `cci migrate` made; throws with its output
    /// if that fails.
    public static func migratedByCLI(_ backend: StorageBackend) async throws -> TestDatabase {
        let database = try await make(backend)
        let migrate = try await CLIProcess.run(["migrate"], environment: database.environment)
        guard migrate.status == 0 else {
            await database.drop()
            throw MigrateFailed(description: "cci migrate exited \(migrate.status): \(migrate.output)\(migrate.errors)")
        }
        return database
    }

    struct MigrateFailed: Error, CustomStringConvertible {
        let description: String
    }
}
