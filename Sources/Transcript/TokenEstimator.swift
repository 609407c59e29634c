/// Estimates how many LLM tokens a text costs, without a tokenizer.
///
/// BPE tokenizers average about four bytes of English or code per token; runs of
/// punctuation and digits tokenize worse, so each non-alphanumeric ASCII character counts a
/// little extra. The estimate is for budgeting, not billing.
public enum TokenEstimator {
    public static func estimate(_ text: String) -> Int {
        var bytes = 0
        var symbols = 0
        for byte in text.utf8 {
            bytes += 1
            let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if byte < 0x80 && !isAlphanumeric && byte != 0x20 { symbols += 1 }
        }
        guard bytes > 0 else { return 0 }
        return max(1, (bytes + symbols + 3) / 4)
    }
}
