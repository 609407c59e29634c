/// A session's entries as the main-chain walk needs them, added one at a time in file order
/// and kept compact: a Claude uuid is two integers, a parent is a position, and only the
/// entries that are still leaves keep their timestamp.
///
/// Kept as strings (uuid, parent, timestamp per entry), deriving a 500,000-entry session
/// held ~330 bytes per entry and took a 1 GB import from 130 to 279 MB; this holds ~50.
struct ConversationTree {
    private static let noParent: Int32 = -1

    /// The position of each entry in the tree, by uuid: Claude Code's canonical uuids as two
    /// integers, any other text as itself.
    private var byUUID: [UUIDBits: Int32] = [:]
    private var byText: [String: Int32] = [:]
    /// Each entry's parent by position, or `noParent`.
    private var parents: [Int32] = []
    /// Entries added before their parent: the parent's uuid, resolved by ``mainChain()``.
    private var parentsAhead: [Int32: String] = [:]
    /// Uuids named as a parent before their own entry came: such an entry is no leaf.
    private var namedAhead: Set<String> = []
    /// The leaves so far that may end the main chain (in the tree, off the sidechains), with
    /// their timestamps. An entry stops being one when a child names it.
    private var leaves: [Int32: String] = [:]

    var count: Int { parents.count }

    /// Adds the next entry in file order. Lines without a Claude uuid (bookkeeping) are
    /// `inTree: false`: counted, never on the chain, never anyone's parent or child.
    mutating func add(uuid: String, parent: String?, timestamp: String?, isSidechain: Bool, inTree: Bool) {
        let position = Int32(parents.count)
        parents.append(Self.noParent)
        guard inTree else { return }
        setPosition(position, of: uuid)
        if !isSidechain, !namedAhead.contains(uuid) { leaves[position] = timestamp ?? "" }
        guard let parent else { return }
        if let found = self.position(of: parent) {
            parents[Int(position)] = found
            leaves[found] = nil
        } else {
            parentsAhead[position] = parent
            namedAhead.insert(parent)
        }
    }

    /// Which entries are on the main chain, by position: from the newest leaf (by timestamp,
    /// a later entry winning a tie; ISO-8601 UTC text compares in time order) back through
    /// parents to the root. A cycle or a missing parent ends the walk instead of hanging it.
    mutating func mainChain() -> [Bool] {
        for (child, parent) in parentsAhead {
            if let found = position(of: parent) { parents[Int(child)] = found }
        }
        parentsAhead = [:]
        var newest: (position: Int32, timestamp: String)?
        for position in leaves.keys.sorted() {
            let timestamp = leaves[position] ?? ""
            if let current = newest, timestamp < current.timestamp { continue }
            newest = (position, timestamp)
        }
        var onChain = [Bool](repeating: false, count: parents.count)
        var cursor = newest?.position ?? Self.noParent
        while cursor != Self.noParent, !onChain[Int(cursor)] {
            onChain[Int(cursor)] = true
            cursor = parents[Int(cursor)]
        }
        return onChain
    }

    private mutating func setPosition(_ position: Int32, of uuid: String) {
        if let bits = UUIDBits(uuid) { byUUID[bits] = position } else { byText[uuid] = position }
    }

    private func position(of uuid: String) -> Int32? {
        if let bits = UUIDBits(uuid) { return byUUID[bits] }
        return byText[uuid]
    }
}

/// A uuid in canonical lowercase form (`8-4-4-4-12` hex digits, as Claude Code writes them)
/// as its 128 bits. Only that form converts, so two different texts never share a value.
struct UUIDBits: Hashable {
    let high: UInt64
    let low: UInt64

    init?(_ text: String) {
        let bits = text.utf8.withContiguousStorageIfAvailable(Self.bits) ?? Array(text.utf8).withUnsafeBufferPointer(Self.bits)
        guard let bits else { return nil }
        (high, low) = bits
    }

    private static func bits(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        guard bytes.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value = hexValues[Int(byte)]
            guard value >= 0 else { return nil }
            if digits < 16 { high = high << 4 | UInt64(value) } else { low = low << 4 | UInt64(value) }
            digits += 1
        }
        return (high, low)
    }

    /// Each byte's value as a lowercase hex digit, or -1.
    private static let hexValues: [Int8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int8(byte) - Int8(UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int8(byte) - Int8(UInt8(ascii: "a")) + 10
        default: -1
        }
    }
}
