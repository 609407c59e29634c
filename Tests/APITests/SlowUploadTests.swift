import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import TestSupport
import Testing

@Suite("Slow uploads")
struct SlowUploadTests {
    /// A request written by hand on a socket of its own, so that its body can stop halfway.
    final class HalfSentRequest: Sendable {
        private let socket: Int32

        /// Connects and sends the head and the first `sentBytes` of `body`.
        init(port: Int, path: String, headers: [String: String], body: [UInt8], sentBytes: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            try send(Array((head + "\r\n").utf8) + body.prefix(sentBytes))
        }

        func send(_ bytes: some Collection<UInt8>) throws {
            let bytes = Array(bytes)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw POSIXError(.EPIPE) }
                written += count
            }
        }

        /// The status code of the answer.
        func status() throws -> Int {
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !answer.contains(0x0A) {
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                answer += buffer[..<count]
            }
            let statusLine = String(decoding: answer.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
            return Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        }

        deinit { close(socket) }
    }

    @Test("a client that stops halfway through its body holds up no other upload; its own lines are stored once it finishes",
          arguments: TestDatabase.backends)
    func slowClientHoldsNoWriter(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            let slowBody = Array(#"""
                {"type":"user","uuid":"s1","sessionId":"slow","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"first"}}
                {"type":"user","uuid":"s2","sessionId":"slow","timestamp":"2026-01-01T00:00:01Z","message":{"role":"user","content":"second"}}

                """#.utf8)
            let slow = try HalfSentRequest(
                port: try #require(client.port), path: "/api/sessions",
                headers: ["Content-Type": "application/x-ndjson", "X-API-Key": TestApp.adminSecret],
                body: slowBody, sentBytes: slowBody.count / 2)

            // Another upload, written and answered while the first waits for the rest of its body.
            let other = Array(#"""
                {"type":"user","uuid":"f1","sessionId":"fast","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"quick"}}

                """#.utf8)
            let rest = Array(slowBody.dropFirst(slowBody.count / 2))
            let answered = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask { Int(try await IngestTests.upload(client, other).0.status.code) }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    // Held up: finish the first body, so that the second upload ends and the test fails.
                    try slow.send(rest)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard answered != nil else {
                Issue.record("the second upload waited for the first client's body")
                return
            }
            #expect(answered == 201)
            #expect(try await storage.session(id: "fast")?.entryCount == 1)
            #expect(try await storage.session(id: "slow") == nil, "nothing of a body still arriving is stored")

            try slow.send(rest)
            #expect(try slow.status() == 201)
            #expect(try await storage.session(id: "slow")?.entryCount == 2)
        }
    }
}
