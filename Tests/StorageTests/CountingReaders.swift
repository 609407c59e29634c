import NIOConcurrencyHelpers
import Storage

/// Readers that count a database's rows in a loop while an operation runs, and the
/// distinct counts they saw: what a restore must keep to "the old data or the new".
enum CountingReaders {
    static func observe(_ storage: SQLStorage, readers: Int = 3, during operation: () async throws -> Void) async throws -> Set<[Int]> {
        let stop = NIOLockedValueBox(false)
        let reads = NIOLockedValueBox(0)
        let tasks = (0..<readers).map { _ in
            Task {
                var seen = Set<[Int]>()
                while !stop.withLockedValue({ $0 }) {
                    seen.insert(try await SQLiteOnlineBackupTests.counts(storage))
                    reads.withLockedValue { $0 += 1 }
                }
                return seen
            }
        }
        // Some reads before the operation and some after it, so both sides are seen.
        while reads.withLockedValue({ $0 }) < 6 { try await Task.sleep(for: .milliseconds(5)) }
        try await operation()
        let afterOperation = reads.withLockedValue { $0 }
        while reads.withLockedValue({ $0 }) < afterOperation + 6 { try await Task.sleep(for: .milliseconds(5)) }
        stop.withLockedValue { $0 = true }
        var seen = Set<[Int]>()
        for task in tasks { seen.formUnion(try await task.value) }
        return seen
    }
}
