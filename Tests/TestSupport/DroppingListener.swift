import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server that drops every connection: it listens on a loopback port, accepts each
/// connection and closes it before answering, until ``stop()`` frees the port for the real
/// server. For clients that must retry a connection lost mid-request.
public final class DroppingListener: @unchecked Sendable {
    public let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var count = 0

    public init() throws {
        (descriptor, port) = try LoopbackPorts.bound(listening: true)
        Thread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                if connection < 0 { return }  // stopped
                close(connection)
                lock.withLock { count += 1 }
            }
        }.start()
    }

    /// Connections accepted and dropped so far.
    public var dropped: Int { lock.withLock { count } }

    /// Stops listening: the port is free again.
    public func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}
