import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Server timeouts and log level, on a real socket")
struct TimeoutAndLogLevelTests {
    static func serve(_ environment: [String: String]) async throws -> (CLIProcess, Int) {
        let child = try ServeCommandTests.serveOnNewSQLite("cci-timeouts", environment)
        return (child, try await ServeCommandTests.port(of: child))
    }

    @Test("a body still arriving after read_timeout gets 408")
    func readTimeout() async throws {
        let (child, port) = try await Self.serve(["SERVER_READ_TIMEOUT": "1s", "API_KEY_ENABLED": "false"])
        let connection = try RawConnection(port: port)
        connection.send("POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 40\r\n\r\n{\"type\":")
        try await Task.sleep(for: .milliseconds(1500))
        connection.send("\"user\",\"sessionId\":\"late-body\"}\n")
        let answer = connection.readAll()
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(300))")
        try await child.terminate()
    }

    @Test("an idle keep-alive connection is closed after idle_timeout")
    func idleTimeout() async throws {
        let (child, port) = try await Self.serve(["SERVER_IDLE_TIMEOUT": "1s"])
        let connection = try RawConnection(port: port)
        connection.send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n")
        let started = ContinuousClock.now
        let answer = connection.readAll()  // returns when the server closes the connection
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        #expect(ContinuousClock.now - started < .seconds(9), "the server closed the idle connection")
        try await child.terminate()
    }

    @Test("LOG_LEVEL=warn drops the per-request info lines")
    func logLevel() async throws {
        // At warn the "listening" line is not logged either, so the test picks the port.
        let port = try LoopbackPorts.free()
        let child = try ServeCommandTests.serveOnNewSQLite("cci-quiet", ["SERVER_PORT": "\(port)", "LOG_LEVEL": "warn"])
        var connection: RawConnection?
        for _ in 0..<100 where connection == nil {
            connection = try? RawConnection(port: port)
            if connection == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let quiet = try #require(connection)
        quiet.send("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(quiet.readAll().hasPrefix("HTTP/1.1 200"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(!child.standardOutput.contains("\"msg\":\"request\""))
        try await child.terminate()

        let (verbose, verbosePort) = try await Self.serve(["LOG_LEVEL": "info"])
        let second = try RawConnection(port: verbosePort)
        second.send("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        _ = second.readAll()
        _ = try await verbose.waitForLine(containing: "\"msg\":\"request\"")
        try await verbose.terminate()
    }
}
