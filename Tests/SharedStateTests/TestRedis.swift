import Foundation
import SharedState
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Redis server the suite runs against, from `CCI_TEST_REDIS_URL`.
///
/// With `CCI_TEST_REQUIRE_SERVICES=1` a missing URL fails the Redis tests instead of
/// skipping them, so a run cannot pass by skipping. Each test uses its own key prefix.
enum TestRedis {
    static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["CCI_TEST_REDIS_URL"], !url.isEmpty else { return nil }
        return url
    }

    static var required: Bool { ProcessInfo.processInfo.environment["CCI_TEST_REQUIRE_SERVICES"] == "1" }

    /// Whether Redis tests run: when a server is given, and when one is required (to fail).
    static var enabled: Bool { url != nil || required }

    static func requireURL() throws -> String {
        guard let url else {
            throw MissingRedis()
        }
        return url
    }

    /// A client with a patient command timeout: the suites run beside many others on a
    /// loaded machine, and a slow reply must not read as a missing value.
    static func client(poolSize: Int = 4) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: requireURL())
        configuration.poolSize = poolSize
        configuration.commandTimeout = .seconds(5)
        configuration.maximumQueueWait = .seconds(5)
        return RedisClient(configuration: configuration)
    }

    /// A key prefix no other test (or earlier run) uses.
    static func prefix(_ test: String = #function) -> String {
        "cci-test:\(test.prefix { $0 != "(" }):\(UUID().uuidString.prefix(8)):"
    }
}

struct MissingRedis: Error, CustomStringConvertible {
    var description: String { "CCI_TEST_REDIS_URL is not set (and CCI_TEST_REQUIRE_SERVICES=1)" }
}

/// A private `redis-server` on a free loopback port, for tests that stop, pause or
/// reconfigure a server and so must not touch the shared one.
final class RedisProcess: @unchecked Sendable {
    let port: Int
    private let extraArguments: [String]
    private var process: Process?

    init(extraArguments: [String] = []) throws {
        self.port = try Self.freePort()
        self.extraArguments = extraArguments
        try start()
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    func start() throws {
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
    func stop() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Freezes the server: connections are accepted by the kernel but nothing answers.
    func pause() { if let process { kill(process.processIdentifier, SIGSTOP) } }

    func resume() { if let process { kill(process.processIdentifier, SIGCONT) } }

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

    /// Asks the kernel for a free port by binding port 0.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, streamSocket, 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                bind(fd, sockaddrPointer, length) == 0 && getsockname(fd, sockaddrPointer, &length) == 0
            }
        }
        guard bound else { throw ServerDidNotStart(port: 0) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, streamSocket, 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

#if canImport(Glibc)
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#else
private let streamSocket = SOCK_STREAM
#endif

struct ServerDidNotStart: Error, CustomStringConvertible {
    let port: Int
    var description: String { "redis-server did not start on port \(port) (is it installed?)" }
}

/// Runs `body` `count` times concurrently and returns how many returned true.
func countConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Bool) async throws -> Int {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<count { group.addTask { try await body(index) } }
        return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
    }
}
