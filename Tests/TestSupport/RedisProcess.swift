import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private `redis-server` on a free loopback port, for tests that stop, pause or
/// reconfigure a server and so must not touch the shared one.
public final class RedisProcess: @unchecked Sendable {
    public let port: Int
    private let extraArguments: [String]
    private var process: Process?

    public init(extraArguments: [String] = []) throws {
        self.port = try LoopbackPorts.free()
        self.extraArguments = extraArguments
        try start()
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts the server (again) on its port.
    public func start() throws {
        let process = Process()
        process.executableURL = try Self.serverBinary()
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--daemonize", "no", "--loglevel", "warning"] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        try waitUntilListening()
    }

    /// Kills the server outright, as a crash would.
    public func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Freezes the server: connections are accepted by the kernel but nothing answers.
    public func pause() { if let process { kill(process.processIdentifier, SIGSTOP) } }

    public func resume() { if let process { kill(process.processIdentifier, SIGCONT) } }

    private func waitUntilListening() throws {
        for _ in 0..<100 {
            if Self.canConnect(port: port) { return }
            guard process?.isRunning == true else { break }
            usleep(20_000)
        }
        throw ServerDidNotStart(port: port)
    }

    private static func serverBinary() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("redis-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ServerDidNotStart(port: 0)
    }

    private static func canConnect(port: Int) -> Bool {
        (try? RawConnection(port: port)) != nil
    }
}

struct ServerDidNotStart: Error, CustomStringConvertible {
    public let port: Int
    var description: String { "redis-server did not start on port \(port) (is it installed?)" }
}
