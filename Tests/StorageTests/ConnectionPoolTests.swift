import Foundation
import Storage
import Testing

@Suite("Connection pool hand-over")
struct ConnectionPoolTests {
    @Test("a connection freed while another caller starts waiting is handed to that caller")
    func noLostWakeUp() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // One reader connection, and a short wait: a caller left waiting beside a free
        // connection fails with poolTimeout instead of hanging the test.
        let database = try Database.sqlite(
            path: folder.appendingPathComponent("pool.db").path, readers: 1, acquireTimeout: .seconds(5))
        do {
            // Two callers at once, many times: the second often starts waiting just as the
            // first gives its connection back.
            for _ in 0..<2_000 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 { group.addTask { _ = try await database.read { try $0.query("SELECT 1") } } }
                    try await group.waitForAll()
                }
            }
            #expect(database.poolStatistics().allSatisfy { $0.inUse == 0 && $0.waiting == 0 })
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
