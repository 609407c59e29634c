import Foundation
import Storage

/// Hands groups of batches from the task that parses them to the database thread that
/// writes them, so that one transaction can take a whole slice while it is still being
/// parsed.
///
/// The parser awaits while a group waits to be taken (no thread is blocked); the writer
/// blocks its own thread, a database pool's and never the cooperative pool's, until a group
/// arrives. At most one group waits and one more is parked with its parser, so parsing runs
/// a piece or two ahead of writing and memory stays bounded by the piece size.
final class BatchHandoff: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [SessionBatch]?
    private var parked: (group: [SessionBatch], parser: CheckedContinuation<Void, any Error>)?
    private var ended = false
    private var parserFailure: (any Error)?
    private var writerFailure: (any Error)?

    /// Parser: hands over the next group, waiting while the one before is still untaken.
    /// Throws the writer's error once it has stopped.
    func put(_ group: [SessionBatch]) async throws {
        try await withCheckedThrowingContinuation { (parser: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if let writerFailure {
                condition.unlock()
                parser.resume(throwing: writerFailure)
            } else if waiting == nil {
                waiting = group
                condition.signal()
                condition.unlock()
                parser.resume()
            } else {
                parked = (group, parser)
                condition.unlock()
            }
        }
    }

    /// Parser: there are no more groups.
    func finish() {
        condition.withLock { ended = true }
        condition.signal()
    }

    /// Parser: the slice cannot be stored; the writer throws `error` and rolls back.
    func fail(_ error: any Error) {
        condition.withLock { parserFailure = error }
        condition.signal()
    }

    /// Writer: the next group, blocking until there is one; nil after the last. Throws the
    /// parser's failure, even with groups still waiting.
    func take() throws -> [SessionBatch]? {
        condition.lock()
        while waiting == nil && !ended && parserFailure == nil { condition.wait() }
        if let parserFailure {
            condition.unlock()
            throw parserFailure
        }
        let group = waiting
        let unparked = parked
        waiting = unparked?.group
        parked = nil
        condition.unlock()
        unparked?.parser.resume()
        return group
    }

    /// Writer: it stopped with `error`; a parked or later `put` throws it.
    func stop(_ error: any Error) {
        let unparked = condition.withLock {
            writerFailure = error
            defer { parked = nil }
            return parked
        }
        unparked?.parser.resume(throwing: error)
    }
}
