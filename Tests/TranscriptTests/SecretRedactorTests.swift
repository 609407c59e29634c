import Foundation
import TestSupport
import Testing
import Transcript

@Suite("Secret redaction")
struct SecretRedactorTests {
    let redactor = SecretRedactor()

    @Test("each secret format is masked",
          arguments: [
              ("aws AKIAIOSFODNN7EXAMPLE key", "AKIAIOSFODNN7EXAMPLE"),
              ("export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345"),
              ("key sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234", "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234"),
              ("token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"),
              ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop"),
              ("gitlab glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789"),
              ("slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"),
              ("stripe sk_live_abcdefghijklmnop1234", "sk_live_abcdefghijklmnop1234"),
              ("google AIzaSyA-1234567890abcdefghijklmnopqrstu", "AIzaSyA-1234567890abcdefghijklmnopqrstu"),
              ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
              ("-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA"),
              ("postgres://app:s3cr3tpass@db:5432/x", "s3cr3tpass"),
              ("DB_PASSWORD=hunter2hunter2", "hunter2hunter2"),
              ("SECRET_KEY: 'abcdef123456'", "abcdef123456"),
              ("GITHUB_TOKEN = supersecretvalue", "supersecretvalue"),
              ("mysql --password=hunter22 -u root", "hunter22"),
              ("https://api.example.com/x?token=abc123def456", "abc123def456"),
          ])
    func masked(text: String, secret: String) {
        let (redacted, count) = redactor.redact(text)
        #expect(!redacted.contains(secret), "\(redacted)")
        #expect(redacted.contains("[REDACTED:"))
        #expect(count >= 1)
    }

    @Test("ordinary code is left alone",
          arguments: [
              "let token = parseToken(input)",
              "var password: String",
              "TOKEN_LIMIT = 100",
              "if (secret == null) return;",
              "max_tokens=4096",
              "func authenticate(password: String) -> Bool",
              "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
              "https://example.com/docs/api",
              "the input_tokens and output_tokens counts",
          ])
    func untouched(text: String) {
        let (redacted, count) = redactor.redact(text)
        #expect(redacted == text)
        #expect(count == 0)
    }

    @Test("redacted corpus lines are still valid JSON")
    func corpusStaysJSON() throws {
        for file in try CorpusFile.all() where file.relativePath.hasPrefix("transcripts/") {
            let text = try String(contentsOf: file.path, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let (redacted, _) = redactor.redact(String(line))
                #expect((try? JSONSerialization.jsonObject(with: Data(redacted.utf8))) != nil, "\(file.relativePath)")
            }
        }
    }

    @Test("a secret inside a JSON string is masked and the line stays JSON")
    func insideJSON() throws {
        let line = #"{"type":"user","message":{"content":"my key is AKIAIOSFODNN7EXAMPLE and \"DB_PASSWORD=hunter2hunter2\""}}"#
        let (redacted, count) = redactor.redact(line)
        #expect(count == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(redacted.utf8)) as? [String: Any])
        let content = (object["message"] as? [String: Any])?["content"] as? String ?? ""
        #expect(content.contains("[REDACTED:aws_access_key]"))
        #expect(!content.contains("hunter2"))
    }
}
