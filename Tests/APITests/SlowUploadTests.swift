import Foundation
import HummingbirdTesting
import Storage
import TestSupport
import Testing

@Suite("Slow uploads")
struct SlowUploadTests {
    @Test("a client that stops halfway through its body holds up no other upload; its own lines are stored once it finishes",
          arguments: TestDatabase.backends)
    func slowClientHoldsNoWriter(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            let slowBody = #"""
                {"type":"user","uuid":"s1","sessionId":"slow","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"first"}}
                {"type":"user","uuid":"s2","sessionId":"slow","timestamp":"2026-01-01T00:00:01Z","message":{"role":"user","content":"second"}}

                """#
            let half = slowBody.index(slowBody.startIndex, offsetBy: slowBody.count / 2)
            let rest = String(slowBody[half...])
            let slow = try RawConnection(port: try #require(client.port))
            slow.send("POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                      + "Content-Type: application/x-ndjson\r\nX-API-Key: \(TestApp.adminSecret)\r\n"
                      + "Content-Length: \(slowBody.utf8.count)\r\n\r\n" + slowBody[..<half])

            // Another upload, written and answered while the first waits for the rest of its body.
            let other = Array(#"""
                {"type":"user","uuid":"f1","sessionId":"fast","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"quick"}}

                """#.utf8)
            let answered = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask { Int(try await IngestTests.upload(client, other).0.status.code) }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    // Held up: finish the first body, so that the second upload ends and the test fails.
                    slow.send(rest)
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

            slow.send(rest)
            #expect(slow.readAll().hasPrefix("HTTP/1.1 201"))
            #expect(try await storage.session(id: "slow")?.entryCount == 2)
        }
    }
}
