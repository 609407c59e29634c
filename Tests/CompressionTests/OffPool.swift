import Foundation

/// Runs heavy synchronous work (corpus loops) on a thread of its own, so it does not hold
/// a thread of Swift's small cooperative pool that other tests' async work needs.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
