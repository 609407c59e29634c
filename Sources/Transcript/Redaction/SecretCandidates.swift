/// Where a text might hold a secret, found by one cheap pass over its bytes.
///
/// Regular expressions are the costly part of redaction, and almost every transcript line
/// holds no secret; a pattern runs only where this pass saw what it needs to start a match
/// (its literal prefix, a `://` with a password, or an `=`/`:` after a secret-like name),
/// and only over a window around that spot, since lines run to hundreds of kilobytes.
struct SecretCandidates: OptionSet, Sendable {
    let rawValue: UInt32

    static let privateKey = SecretCandidates(rawValue: 1 << 0)
    static let awsAccessKey = SecretCandidates(rawValue: 1 << 1)
    static let skKey = SecretCandidates(rawValue: 1 << 2)
    static let githubToken = SecretCandidates(rawValue: 1 << 3)
    static let gitlabToken = SecretCandidates(rawValue: 1 << 4)
    static let slackToken = SecretCandidates(rawValue: 1 << 5)
    static let stripeKey = SecretCandidates(rawValue: 1 << 6)
    static let googleAPIKey = SecretCandidates(rawValue: 1 << 7)
    static let jwt = SecretCandidates(rawValue: 1 << 8)
    static let urlPassword = SecretCandidates(rawValue: 1 << 9)
    static let bearerToken = SecretCandidates(rawValue: 1 << 10)
    static let assignment = SecretCandidates(rawValue: 1 << 11)

    /// A spot worth a closer look: the kind of secret, the UTF-8 offset of its trigger, and
    /// how far before and after it a match can reach.
    struct Hit {
        let kind: SecretCandidates
        let offset: Int
        let window: (before: Int, after: Int)

        init(kind: SecretCandidates, offset: Int, window: (before: Int, after: Int)? = nil) {
            self.kind = kind
            self.offset = offset
            self.window = window ?? kind.window
        }
    }

    /// How far before and after a trigger a match of this kind can reach, in UTF-16 units
    /// (a count of UTF-8 bytes is never fewer).
    var window: (before: Int, after: Int) {
        switch self {
        case .privateKey, .jwt: (8, 16_384)
        case .assignment: (160, 1_024)
        case .urlPassword: (64, 1_024)
        case .bearerToken: (8, 2_048)
        default: (8, 512)
        }
    }

    static func hits(in text: String) -> [Hit] {
        var text = text
        return text.withUTF8 { hits(in: $0) }
    }

    static func hits(in bytes: UnsafeBufferPointer<UInt8>) -> [Hit] {
        var hits: [Hit] = []
        func found(_ kind: SecretCandidates, _ offset: Int) { hits.append(Hit(kind: kind, offset: offset)) }
        func assignment(_ offset: Int) {
            if let window = assignmentWindow(bytes, at: offset) { hits.append(Hit(kind: .assignment, offset: offset, window: window)) }
        }
        func has(_ index: Int, _ literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index + length <= bytes.count else { return false }
            let start = literal.utf8Start
            for offset in 0..<length where bytes[index + offset] != start[offset] { return false }
            return true
        }
        // Tokens start a word, or follow a `\n`-style escape inside a JSON string.
        func startsToken(_ index: Int) -> Bool {
            guard index > 0 else { return true }
            let before = bytes[index - 1]
            if !isNameByte(before) || before == UInt8(ascii: "-") { return true }
            return index > 1 && bytes[index - 2] == UInt8(ascii: "\\") && "nrt".utf8.contains(before)
        }
        let last = bytes.count - 1
        // A local copy: a static's every read would otherwise check that it is initialised.
        let startsCandidate = Self.startsCandidate
        for index in bytes.indices {
            // Most bytes start nothing: one look-up of the byte and the next rules them out.
            let pair = Int(bytes[index]) << 8 | (index < last ? Int(bytes[index + 1]) : 0)
            guard startsCandidate[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
            switch bytes[index] {
            case UInt8(ascii: "A"):
                if has(index, "AKIA") || has(index, "ASIA"), startsToken(index) { found(.awsAccessKey, index) }
                if has(index, "AIza"), startsToken(index) { found(.googleAPIKey, index) }
            case UInt8(ascii: "s"):
                if has(index, "sk-"), startsToken(index) { found(.skKey, index) }
                if has(index, "sk_live_"), startsToken(index) { found(.stripeKey, index) }
            case UInt8(ascii: "r"):
                if has(index, "rk_live_"), startsToken(index) { found(.stripeKey, index) }
            case UInt8(ascii: "g"):
                let shortToken = index + 3 < bytes.count && bytes[index + 1] == UInt8(ascii: "h")
                    && bytes[index + 3] == UInt8(ascii: "_") && "pousr".utf8.contains(bytes[index + 2])
                if shortToken || has(index, "github_pat_"), startsToken(index) { found(.githubToken, index) }
                if has(index, "glpat-"), startsToken(index) { found(.gitlabToken, index) }
            case UInt8(ascii: "x"):
                if index + 4 < bytes.count, has(index, "xox"), "baprs".utf8.contains(bytes[index + 3]),
                   bytes[index + 4] == UInt8(ascii: "-"), startsToken(index) {
                    found(.slackToken, index)
                }
            case UInt8(ascii: "e"):
                if has(index, "eyJ"), startsToken(index) { found(.jwt, index) }
                if has(index, "earer ") { found(.bearerToken, index) }
            case UInt8(ascii: "-"):
                if has(index, "-----BEGIN ") { found(.privateKey, index) }
            case UInt8(ascii: ":"):
                if has(index, "://"), authorityHasPassword(bytes, from: index + 3) { found(.urlPassword, index) }
                assignment(index)
            case UInt8(ascii: "="):
                assignment(index)
            default:
                continue
            }
        }
        return hits
    }

    /// Pairs of bytes (first << 8 | second) that can start a match in `hits`: a token
    /// prefix's first two bytes, `://`, `--`, and `:` or `=` before anything. One bit each:
    /// 8 KB stays in the first-level cache, where a byte each (64 KB) did not.
    private static let startsCandidate: [UInt64] = {
        var table = [UInt64](repeating: 0, count: (1 << 16) / 64)
        func add(_ pair: Int) { table[pair >> 6] |= 1 << UInt64(pair & 63) }
        let starts = ["AK", "AS", "AI", "sk", "rk", "gh", "gi", "gl", "xo", "ey", "ea", "--"]
        for start in starts {
            let bytes = Array(start.utf8)
            add(Int(bytes[0]) << 8 | Int(bytes[1]))
        }
        for first in [UInt8(ascii: ":"), UInt8(ascii: "=")] {
            for second in 0...255 { add(Int(first) << 8 | second) }
        }
        return table
    }()

    /// `user:password@` right after `://`.
    private static func authorityHasPassword(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var sawColon = false
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ":"): sawColon = true
            case UInt8(ascii: "@"): return sawColon
            case UInt8(ascii: "/"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), 0x20, 0x09, 0x0A: return false
            default: break
            }
            index += 1
        }
        return false
    }

    /// Letters, digits, `_` and `-`: what secret names and tokens are made of.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Name endings that make an `=` or `:` worth a closer look (compared in lower case).
    private static let secretNameEndings: [[UInt8]] = [
        "password", "passwd", "pass", "pwd", "secret", "token", "credential", "credentials",
        "apikey", "api_key", "api-key", "accesskey", "access_key", "access-key", "privatekey", "private_key",
        "private-key", "authkey", "auth_key", "auth-key", "secretkey", "secret_key", "secret-key",
    ].map { Array($0.utf8) }

    /// The last three letters of every ending, packed as in `followsSecretName`.
    private static let secretNameLast3: [UInt32] = Array(Set(secretNameEndings.map { ending in
        ending.suffix(3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }))

    /// Where the `=` or `:` at `index` assigns a value to a name ending in a secret word, the
    /// way one of the assignment patterns needs (a SCREAMING_CASE name with any value,
    /// `name=value` with no spaces, or any name given a quoted value): the window from the
    /// name's start to the value's end, which every match through this `=` or `:` lies in.
    /// Nil when it does not. The patterns then try a few dozen places, not ~1,200.
    private static func assignmentWindow(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (before: Int, after: Int)? {
        var end = index
        var spaced = false
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 {
            end -= 1
            spaced = true
        }
        if end > 0, bytes[end - 1] == UInt8(ascii: "\"") || bytes[end - 1] == UInt8(ascii: "'") {
            end -= 1
            spaced = true
            if end > 0, bytes[end - 1] == UInt8(ascii: "\\") { end -= 1 }
        }
        // Every ending finishes with one of these three letters: a cheap test before
        // comparing, which most JSON keys (`"type":`, `"content":`) fail.
        guard end >= 3 else { return nil }
        let last3 = (UInt32(lowercased(bytes[end - 3])) << 16) | (UInt32(lowercased(bytes[end - 2])) << 8) | UInt32(lowercased(bytes[end - 1]))
        guard secretNameLast3.contains(last3) else { return nil }
        var start = end
        while start > 0, end - start < 64, isNameByte(bytes[start - 1]) { start -= 1 }
        let wholeName = start == 0 || !isNameByte(bytes[start - 1])
        let length = end - start
        let named = secretNameEndings.contains { ending in
            guard length >= ending.count else { return false }
            let from = end - ending.count
            for offset in 0..<ending.count where lowercased(bytes[from + offset]) != ending[offset] { return false }
            return true
        }
        guard named else { return nil }

        var value = index + 1
        while value < bytes.count, bytes[value] == 0x20 || bytes[value] == 0x09 {
            value += 1
            spaced = true
        }
        var quoted = false
        if value < bytes.count, bytes[value] == UInt8(ascii: "\\") { value += 1 }
        if value < bytes.count, bytes[value] == UInt8(ascii: "\"") || bytes[value] == UInt8(ascii: "'") {
            value += 1
            quoted = true
        }
        guard value < bytes.count, !"${<%([:=@&|*\\\" \t".utf8.contains(bytes[value]) else { return nil }
        let screaming = (start..<end).allSatisfy { bytes[$0] < UInt8(ascii: "a") || bytes[$0] > UInt8(ascii: "z") }
        let flag = bytes[index] == UInt8(ascii: "=") && !spaced
        guard quoted || screaming || flag else { return nil }

        // Every pattern's value stops at white space, a quote or a backslash (each stops at
        // more besides). The window ends two bytes past the first of those, so the patterns'
        // look-aheads see the closing quote of a value quoted in a JSON string (`\"`).
        let maximum = SecretCandidates.assignment.window
        var valueEnd = value
        while valueEnd < bytes.count, valueEnd - index < maximum.after, !"\"'\\ \t\n\r".utf8.contains(bytes[valueEnd]) {
            valueEnd += 1
        }
        // A name cut off at 64 bytes may start earlier: then the widest window.
        return (wholeName ? index - start : maximum.before, min(valueEnd + 2 - index, maximum.after))
    }
}
