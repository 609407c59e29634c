import Crypto
import Foundation
import Hummingbird
import HummingbirdCore

/// A short digest of a request's query parameters, the same whatever their order.
enum QueryFingerprint {
    /// Every parameter, each name and value length-prefixed so that no two different
    /// queries read the same (`q=a%26limit%3D5` is not `q=a&limit=5`).
    static func exact(_ uri: URI) -> String {
        var parameters: [String] = []
        for (name, value) in uri.queryParameters {
            parameters.append("\(name.utf8.count):\(name)=\(value.utf8.count):\(value);")
        }
        parameters.sort()
        let canonical = parameters.joined()
        return hex(SHA256.hash(data: Data(canonical.utf8)))
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
