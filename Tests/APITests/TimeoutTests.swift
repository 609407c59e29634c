@testable import API
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Handler timeout")
struct TimeoutTests {
    @Test("a handler slower than the write timeout gets 503 in the JSON error shape")
    func slowHandler() async throws {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ErrorMiddleware(routes: RouteTable()))
        router.add(middleware: TimeoutMiddleware(timeout: .milliseconds(100)))
        router.get("/slow") { _, _ in
            try await Task.sleep(for: .seconds(5))
            return "late"
        }
        router.get("/fast") { _, _ in "quick" }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            // Without the timeout the handler would answer 200 "late".
            let slow = try await client.execute(uri: "/slow", method: .get)
            #expect(slow.status == .serviceUnavailable)
            #expect(String(buffer: slow.body).contains("\"code\":\"timeout\""))
            let fast = try await client.execute(uri: "/fast", method: .get)
            #expect(fast.status == .ok)
            #expect(String(buffer: fast.body) == "quick")
        }
    }
}
