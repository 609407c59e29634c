/// Set from async code (task cancellation, a stream's consumer going away) and read by the
/// curl thread, which then aborts the transfer at its next callback.
final class CancellationFlag: Sendable {
    private let flag = LockedValue(false)

    func cancel() { flag.withLock { $0 = true } }

    var isCancelled: Bool { flag.current }
}
