import NIOPosix

/// Short blocking work that is not a pooled database call (hashing a file, opening a backup
/// copy to check it) runs on NIO's shared blocking-I/O threads, never on the cooperative pool.
enum BlockingWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
