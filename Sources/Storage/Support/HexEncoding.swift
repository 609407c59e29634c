/// Lowercase hexadecimal for digests and random ids. `String(format: "%02x")` per byte
/// goes through Foundation's formatter and showed up in request profiles; this is a table lookup.
extension Sequence<UInt8> {
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
