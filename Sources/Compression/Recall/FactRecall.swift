import Foundation

/// The share of a session's facts that a compressed text still carries, and the ones it
/// dropped: what no summary tells its reader, this one does.
public struct FactRecall: Sendable, Equatable {
    public var total: Int
    public var kept: Int
    public var dropped: [RecallFact]

    /// 1 when there was nothing to keep.
    public var score: Double { total == 0 ? 1 : Double(kept) / Double(total) }

    /// Checks each fact's key against `output`, whitespace runs counting as one space.
    public static func measure(_ facts: [RecallFact], in output: String) -> FactRecall {
        let haystack = Array(Snippet.oneLine(output).utf8)
        let dropped = facts.filter { !contains(haystack, Array($0.key.utf8)) }
        return FactRecall(total: facts.count, kept: facts.count - dropped.count, dropped: dropped)
    }

    /// Byte search: both sides come from the same text through the same normalisation, so
    /// equal text has equal bytes, and this is far faster than a Unicode-aware search.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = 0
                let last = hay.count - pin.count
                while index <= last {
                    if hay[index] == first && memcmp(hay.baseAddress! + index, pin.baseAddress!, pin.count) == 0 { return true }
                    index += 1
                }
                return false
            }
        }
    }
}
