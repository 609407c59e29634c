import Foundation

/// Masks secrets in text before it is stored: cloud and API keys, tokens, JWTs, private
/// key blocks, passwords in URLs, and `PASSWORD=`/`SECRET=`/`TOKEN=`-style assignments.
///
/// Safe on a raw JSON line: replacements contain no quote or backslash, and values stop at
/// quotes and backslashes, so the line stays valid JSON. Ordinary code (`let token =
/// parseToken(input)`, `password: String`, `TOKEN_LIMIT = 100`) is left alone.
public struct SecretRedactor: Sendable {
    struct Pattern: @unchecked Sendable {
        let name: String
        let regex: NSRegularExpression
        /// The capture group to mask; 0 masks the whole match.
        let group: Int
    }

    private let patterns: [Pattern]

    public init() {
        func pattern(_ name: String, _ expression: String, group: Int = 0, options: NSRegularExpression.Options = []) -> Pattern {
            // The expressions are constants checked by the tests; a failure here is a programming error.
            Pattern(name: name, regex: try! NSRegularExpression(pattern: expression, options: options), group: group)
        }
        patterns = [
            pattern("private_key", #"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----"#,
                    options: [.dotMatchesLineSeparators]),
            pattern("aws_access_key", #"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#),
            pattern("api_key", #"\bsk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}"#),
            pattern("github_token", #"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"#),
            pattern("gitlab_token", #"\bglpat-[A-Za-z0-9_\-]{20,}"#),
            pattern("slack_token", #"\bxox[baprs]-[A-Za-z0-9\-]{10,}"#),
            pattern("stripe_key", #"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}"#),
            pattern("google_api_key", #"\bAIza[0-9A-Za-z_\-]{35}"#),
            pattern("jwt", #"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"#),
            pattern("url_password", #"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@"'\\]+:([^\s@/"'\\]+)@"#, group: 1),
            // SCREAMING_CASE names ending in a secret word, e.g. DB_PASSWORD=..., GITHUB_TOKEN: ...
            pattern("assignment",
                    #"\b[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)(?:_KEY)?\b\s*[:=]\s*(?:\\?["'])?([^\s"'\\,;$]{4,})"#,
                    group: 1),
            // lower-case key=value with no spaces, as in command lines and URLs: --password=..., ?token=...
            pattern("assignment",
                    #"(?i)(?<![A-Za-z0-9_])(?:password|passwd|secret|token|api_?key|access_?token|auth_?token)=([^\s&"'\\,;$]{4,})"#,
                    group: 1),
        ]
    }

    /// The text with secrets masked as `[REDACTED:kind]`, and how many were masked.
    public func redact(_ text: String) -> (text: String, count: Int) {
        var result = text
        var count = 0
        for pattern in patterns {
            let source = result as NSString
            let matches = pattern.regex.matches(in: result, range: NSRange(location: 0, length: source.length))
            guard !matches.isEmpty else { continue }
            let mutable = NSMutableString(string: result)
            for match in matches.reversed() {
                let range = match.range(at: pattern.group)
                guard range.location != NSNotFound else { continue }
                let value = source.substring(with: range)
                if value.hasPrefix("[REDACTED:") { continue }
                mutable.replaceCharacters(in: range, with: "[REDACTED:\(pattern.name)]")
                count += 1
            }
            result = mutable as String
        }
        return (result, count)
    }
}
