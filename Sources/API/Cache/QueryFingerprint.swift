import Crypto
import Foundation
import Hummingbird
import HummingbirdCore
import Storage

/// A request's query parameters as one key, the same whatever their order: the canonical
/// text itself when short, else its SHA-256 (so that keys stay small).
enum QueryFingerprint {
    /// Canonical texts up to this many bytes are used as they are; hashing them showed up
    /// in the profile of cached reads.
    static let maximumPlainBytes = 200

    /// Every parameter, each name and value length-prefixed so that no two different
    /// queries read the same (`q=a%26limit%3D5` is not `q=a&limit=5`).
    static func exact(_ uri: URI) -> String {
        var parameters: [String] = []
        for (name, value) in uri.queryParameters {
            parameters.append("\(name.utf8.count):\(name)=\(value.utf8.count):\(value);")
        }
        parameters.sort()
        let canonical = parameters.joined()
        guard canonical.utf8.count > maximumPlainBytes else { return "q:" + canonical }
        return "sha256:" + SHA256.hash(data: Data(canonical.utf8)).hexString
    }
}
