import Foundation

/// One kind of secret: a regular expression, the capture group to mask, and a check that
/// turns down values which are code rather than secrets.
///
/// Every pattern is safe on a raw JSON line: what it masks never contains a quote, and a
/// backslash only as part of a whole escape (`\n`), so the line stays valid JSON. Where a
/// secret may follow a newline inside a JSON string (`\nDB_PASSWORD=…`), the start
/// boundary also accepts a `\n`, `\r` or `\t` escape.
struct SecretPattern: @unchecked Sendable {
    /// Shown in the mask: `[REDACTED:name]`.
    let name: String
    /// The prefilter kind that must be present for this pattern to run.
    let candidate: SecretCandidates
    // NSRegularExpression is immutable once built and safe to share between threads.
    let regex: NSRegularExpression
    /// The capture group to mask; 0 masks the whole match.
    let group: Int
    let accepts: @Sendable (Substring) -> Bool

    init(_ name: String, _ candidate: SecretCandidates, _ pattern: String, group: Int = 0,
         options: NSRegularExpression.Options = [], accepts: @escaping @Sendable (Substring) -> Bool = { _ in true }) {
        self.name = name
        self.candidate = candidate
        // The expressions are constants covered by the tests; failing here is a programming error.
        do {
            regex = try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            preconditionFailure("invalid secret pattern \(name): \(error)")
        }
        self.group = group
        self.accepts = accepts
    }

    /// The start of a token: not inside a word, or right after a `\n`/`\r`/`\t` escape.
    static let start = #"(?:(?<=\\[nrt])|(?<![A-Za-z0-9_]))"#
    /// The end of a token: no word character follows.
    static let end = #"(?![A-Za-z0-9_])"#

    /// In priority order: where two matches overlap, the earlier pattern wins.
    static let all: [SecretPattern] = [
        SecretPattern("private_key", .privateKey,
                      #"-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY-----(?:(?:[^"\\]|\\[^"])*?-----END \1PRIVATE KEY-----|(?:[A-Za-z0-9+/=\s]|\\[nrt])*)"#),
        SecretPattern("aws_access_key", .awsAccessKey, start + #"(?:AKIA|ASIA)[0-9A-Z]{16}"# + end),
        SecretPattern("anthropic_key", .skKey, start + #"sk-ant-[A-Za-z0-9_\-]{20,}"#),
        SecretPattern("openai_key", .skKey, start + #"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"#,
                      accepts: { $0.contains(where: \.isNumber) && $0.contains(where: \.isLetter) }),
        SecretPattern("github_token", .githubToken, start + #"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"#),
        SecretPattern("gitlab_token", .gitlabToken, start + #"glpat-[A-Za-z0-9_\-]{20,}"#),
        SecretPattern("slack_token", .slackToken, start + #"xox[baprs]-[A-Za-z0-9\-]{10,}"#),
        SecretPattern("stripe_key", .stripeKey, start + #"(?:sk|rk)_live_[A-Za-z0-9]{16,}"#),
        SecretPattern("google_api_key", .googleAPIKey, start + #"AIza[0-9A-Za-z_\-]{35}"# + end),
        SecretPattern("jwt", .jwt, start + #"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"#),
        SecretPattern("url_password", .urlPassword,
                      start + #"[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@"'\\]*:([^\s@/"'\\]+)@"#, group: 1,
                      accepts: AssignedValue.isSecretLike),
        SecretPattern("bearer_token", .bearerToken, #"(?i:bearer)[ \t]+([A-Za-z0-9\-._~+/]{20,}=*)"#, group: 1,
                      accepts: { $0.contains(where: \.isNumber) }),
        // SCREAMING_CASE names, env/YAML/JSON style, quoted or not: DB_PASSWORD=…, API_KEY: "…".
        SecretPattern("secret_assignment", .assignment,
                      start + #"(?:[A-Z0-9]+_)*(?:PASSWORD|PASSWD|PASS|SECRET|SECRET_?KEY|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|AUTH_KEY|CREDENTIALS?)"#
                          + end + #"(?:\\?["'])?[ \t]*[:=][ \t]*(?:\\?["'])?([^\s"'\\,;()\[\]{}<>]{3,})(?=[\s"'\\,;]|$)"#,
                      group: 1, accepts: AssignedValue.isSecretLike),
        // Any-case names given a quoted literal: password: "…", apiKey = '…', "client_secret": "…".
        SecretPattern("secret_assignment", .assignment,
                      start + #"[A-Za-z0-9_\-]*?(?i:password|passwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth[_\-]?key|credentials?)"#
                          + end + #"(?:\\?["'])?[ \t]*[:=][ \t]*\\?["']([^\s"'\\]{3,})(?=\\?["'])"#,
                      group: 1, accepts: AssignedValue.isSecretLike),
        // Command-line flags and query strings: --password=…, ?token=…, &api_key=….
        SecretPattern("secret_assignment", .assignment,
                      start + #"(?:--?|[?&])?(?i:password|passwd|pwd|pass|secret|token|api[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)=([^\s&"'\\,;()\[\]{}<>]{3,})(?=[\s&"'\\,;)]|$)"#,
                      group: 1, accepts: AssignedValue.isSecretLike),
    ]
}

/// Tells an assigned secret from code that merely names one.
enum AssignedValue {
    static func isSecretLike(_ value: Substring) -> Bool {
        guard value.count >= 3, let first = value.first else { return false }
        if "${<%([:=@&|*".contains(first) { return false }
        if value.hasPrefix("[REDACTED") { return false }
        if value.allSatisfy(\.isNumber) { return false }
        let lower = value.lowercased()
        if codeWords.contains(lower) { return false }
        // A value that names the secret again is a reference: password=password, secret=client_secret.
        if referenceWords.contains(where: { lower == $0 || lower.hasSuffix("_" + $0) || lower.hasPrefix($0 + "_") }) { return false }
        if isDottedIdentifier(value) { return false }
        // A capitalised word is a type: API_KEY: String.
        if first.isUppercase, value.dropFirst().allSatisfy({ $0.isLowercase }) { return false }
        return true
    }

    private static let codeWords: Set<String> = [
        "true", "false", "null", "none", "nil", "undefined", "yes", "no", "required", "optional",
        "str", "string", "int", "number", "boolean", "bool", "bytes", "any", "text", "env",
    ]

    private static let referenceWords = ["password", "passwd", "secret", "token", "api_key", "apikey"]

    /// `os.environ`, `self.token`, `config.db.password`.
    private static func isDottedIdentifier(_ value: Substring) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.first, first.isLetter || first == "_" else { return false }
            return part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        }
    }
}
