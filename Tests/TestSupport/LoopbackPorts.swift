import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sockets on 127.0.0.1 for servers and clients under test.
public enum LoopbackPorts {
    public struct NoFreePort: Error {}

    /// A port nothing listens on right now, found by binding port 0.
    public static func free() throws -> Int {
        let (descriptor, port) = try bound(listening: false)
        close(descriptor)
        return port
    }

    /// A TCP socket bound to a free loopback port, listening when asked, and that port.
    public static func bound(listening: Bool) throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        // Connections a listener accepted and closed linger in TIME_WAIT on its port; a
        // server taking the port over may bind beside them only if both sockets allow it.
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && (!listening || listen(descriptor, 16) == 0)
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw NoFreePort()
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// 127.0.0.1:`port` as a socket address.
    public static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
