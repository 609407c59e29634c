import Crypto
import Storage
import Foundation

/// Making and checking key secrets: `cci_` followed by 43 base64url characters (256 random
/// bits), stored only as a SHA-256 hash. The secret's entropy makes a slow hash unnecessary.
public enum APIKeySecret {
    public static let prefix = "cci_"

    public struct Generated: Sendable {
        public let id: String
        public let secret: String
        public let hash: String
        /// Shown in listings so a person can tell keys apart.
        public let displayPrefix: String
    }

    public static func generate() -> Generated {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = prefix + base64URL(bytes)
        let idBytes = (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Generated(id: "key_" + idBytes.hexString, secret: secret,
                         hash: hash(secret), displayPrefix: String(secret.prefix(prefix.count + 8)))
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexString
    }

    /// Compares two hashes in time independent of where they differ.
    public static func constantTimeEquals(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Whether `text` looks like a key at all (cheap check before touching the database).
    public static func isWellFormed(_ text: String) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count == prefix.utf8.count + 43
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F
            }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
