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

    public struct CannotListen: Error {}

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard listening else {
            close(descriptor)
            throw CannotListen()
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
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
