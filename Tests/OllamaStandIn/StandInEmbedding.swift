import Foundation

/// Deterministic embeddings: each word adds ±1 at a position chosen by its hash, and the
/// vector is normalised to unit length, as Ollama's are. Texts sharing words point in
/// similar directions, which is enough to test ranking by cosine similarity.
enum StandInEmbedding {
    static func vector(for text: String, dimensions: Int) -> [Double] {
        var vector = [Double](repeating: 0, count: max(1, dimensions))
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let hash = fnv1a(word.utf8)
            vector[Int(hash % UInt64(vector.count))] += (hash >> 63) == 0 ? 1 : -1
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// FNV-1a: stable across runs and platforms, unlike `Hasher`.
    private static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
