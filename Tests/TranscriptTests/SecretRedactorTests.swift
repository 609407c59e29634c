import Foundation
import TestSupport
import Testing
import Transcript

@Suite("Secret redaction")
struct SecretRedactorTests {
    let redactor = SecretRedactor()

    @Test("each kind of secret is masked with its name",
          arguments: [
              ("aws AKIAIOSFODNN7EXAMPLE key", "AKIAIOSFODNN7EXAMPLE", "aws_access_key"),
              ("session ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A", "aws_access_key"),
              ("key sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345-ABCD", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345-ABCD", "anthropic_key"),
              ("key sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234", "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX1234", "openai_key"),
              ("old sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", "openai_key"),
              ("token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "github_token"),
              ("oauth gho_0123456789abcdefghijklmnopqrstuvwxyzAB", "gho_0123456789abcdefghijklmnopqrstuvwxyzAB", "github_token"),
              ("server ghs_0123456789abcdefghijklmnopqrstuvwxyzAB", "ghs_0123456789abcdefghijklmnopqrstuvwxyzAB", "github_token"),
              ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "github_token"),
              ("gitlab glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789", "gitlab_token"),
              ("slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij", "slack_token"),
              ("stripe sk_live_abcdefghijklmnop1234", "sk_live_abcdefghijklmnop1234", "stripe_key"),
              ("restricted rk_live_abcdefghijklmnop1234", "rk_live_abcdefghijklmnop1234", "stripe_key"),
              ("google AIzaSyA-1234567890abcdefghijklmnopqrstu", "AIzaSyA-1234567890abcdefghijklmnopqrstu", "google_api_key"),
              ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
               "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "jwt"),
              ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA", "private_key"),
              ("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAA\\n-----END OPENSSH PRIVATE KEY-----",
               "b3BlbnNzaC1rZXktdjEAAAAA", "private_key"),
              ("cut off: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "private_key"),
              ("postgres://app:s3cr3tpass@db:5432/x", "s3cr3tpass", "url_password"),
              ("redis://:hunter2x@cache:6379", "hunter2x", "url_password"),
              ("curl -H 'Authorization: Bearer abcdef0123456789abcdef0123456789'", "abcdef0123456789abcdef0123456789", "bearer_token"),
              ("DB_PASSWORD=hunter2hunter2", "hunter2hunter2", "secret_assignment"),
              ("export GITHUB_TOKEN=supersecretvalue", "supersecretvalue", "secret_assignment"),
              ("SECRET_KEY: 'abcdef123456'", "abcdef123456", "secret_assignment"),
              ("API_KEY = \"k3y-value-1\"", "k3y-value-1", "secret_assignment"),
              ("STRIPE_SECRET: whsec_abc123", "whsec_abc123", "secret_assignment"),
              ("{\"password\": \"correct-horse\"}", "correct-horse", "secret_assignment"),
              ("client_secret = 'a1b2c3d4e5'", "a1b2c3d4e5", "secret_assignment"),
              ("apiKey: \"live_0123abcd\"", "live_0123abcd", "secret_assignment"),
              ("mysql --password=hunter22 -u root", "hunter22", "secret_assignment"),
              ("https://api.example.com/x?token=abc123def456", "abc123def456", "secret_assignment"),
              ("process.env.OWM_API_KEY = \"test-key\";", "test-key", "secret_assignment"),
          ])
    func masked(text: String, secret: String, name: String) {
        let (redacted, count) = redactor.redact(text)
        #expect(!redacted.contains(secret), "\(redacted)")
        #expect(redacted.contains("[REDACTED:\(name)]"), "\(redacted)")
        #expect(count >= 1)
    }

    @Test("only the value of an assignment is masked")
    func valueOnly() {
        #expect(redactor.redact("DB_PASSWORD=hunter2hunter2 npm start").text == "DB_PASSWORD=[REDACTED:secret_assignment] npm start")
        #expect(redactor.redact("postgres://app:s3cr3t@db/x").text == "postgres://app:[REDACTED:url_password]@db/x")
    }

    @Test("an assignment's value is masked whole, however long its name or value and whatever precedes it",
          arguments: [
              // A name past the 64 bytes the scan reads back: the match starts at its start.
              (String(repeating: "A", count: 70) + "_PASSWORD=hunter2hunter2 next", String(repeating: "A", count: 70) + "_PASSWORD="),
              ("ünïcödé 🎉🎉 DB_PASSWORD=hünter2🎉x next", "ünïcödé 🎉🎉 DB_PASSWORD="),
              (#"{"content":"cfg = {'secret': 'a1b2c3d4e5'}, more"}"#, #"{"content":"cfg = {'secret': '"#),
          ])
    func wholeValue(text: String, keptBefore: String) {
        let (redacted, count) = redactor.redact(text)
        #expect(count == 1)
        #expect(redacted.hasPrefix(keptBefore + "[REDACTED:secret_assignment]"), "\(redacted)")
    }

    @Test("a value of 900 characters is masked whole, up to the end of the text")
    func longValue() {
        let value = "x1" + String(repeating: "y", count: 898)
        #expect(redactor.redact("export API_TOKEN=" + value).text == "export API_TOKEN=[REDACTED:secret_assignment]")
        #expect(redactor.redact("export API_TOKEN=" + value + " && run").text == "export API_TOKEN=[REDACTED:secret_assignment] && run")
    }

    @Test("ordinary code and prose are left alone",
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
              "\"input_tokens\": 3, \"output_tokens\": 322",
              "api_key = os.environ['API_KEY']",
              "API_KEY = os.environ.get(\"API_KEY\")",
              "const TOKEN = process.env.TOKEN;",
              "SECRET_KEY = get_random_secret_key()",
              "connect(user=user, password=password)",
              "password_hash = bcrypt(password)",
              "let apiKey: String",
              "DB_PASSWORD=${DB_PASSWORD:-postgres}",
              "PASSWORD_MIN_LENGTH = 8",
              "BYPASS=true",
              "the task-list and disk-usage views",
              "Bearer authentication is configured in the gateway",
              "git@github.com:org/repo.git",
              "if password == \"\" { return }",
              "headers = {'Authorization': f'Bearer {token}'}",
              "OWM_API_KEY=your_openweathermap_api_key",
          ])
    func untouched(text: String) {
        let (redacted, count) = redactor.redact(text)
        #expect(redacted == text)
        #expect(count == 0)
    }

    @Test("a secret inside a JSON string is masked and the line stays JSON, after a \\n escape too")
    func insideJSON() throws {
        let line = #"{"type":"user","message":{"content":"my key is AKIAIOSFODNN7EXAMPLE\nDB_PASSWORD=hunter2hunter2\nand \"api_key\": \"abc123xyz\""}}"#
        let (redacted, count) = redactor.redact(line)
        #expect(count == 3)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(redacted.utf8)) as? [String: Any])
        let content = (object["message"] as? [String: Any])?["content"] as? String ?? ""
        #expect(content.contains("[REDACTED:aws_access_key]"))
        #expect(!content.contains("hunter2"))
        #expect(!content.contains("abc123xyz"))
        #expect(content.contains("DB_PASSWORD=[REDACTED:secret_assignment]"))
    }

    @Test("a private key block spanning escaped newlines is masked whole inside JSON")
    func privateKeyInJSON() throws {
        let line = #"{"content":"key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\u0041bc\/de\n-----END EC PRIVATE KEY-----\ndone"}"#
        let (redacted, count) = redactor.redact(line)
        #expect(count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(redacted.utf8)) as? [String: Any])
        #expect(object["content"] as? String == "key:\n[REDACTED:private_key]\ndone")
    }

    @Test("text beyond the first 512 characters and after non-ASCII text is found at the right place")
    func offsets() {
        let prefix = String(repeating: "é🎉 ", count: 300)
        let (redacted, count) = redactor.redact(prefix + "AKIAIOSFODNN7EXAMPLE tail")
        #expect(count == 1)
        #expect(redacted == prefix + "[REDACTED:aws_access_key] tail")
    }

    @Test("every corpus line stays valid JSON after redaction")
    func corpusStaysJSON() throws {
        let walker = FileManager.default.enumerator(at: TestPaths.corpus.appendingPathComponent("transcripts"), includingPropertiesForKeys: nil)
        let files = (walker?.compactMap { $0 as? URL } ?? []).filter { $0.pathExtension == "jsonl" }
        #expect(files.count > 20)
        var redactions = 0
        for file in files {
            for line in try Data(contentsOf: file).split(separator: 0x0A) {
                let (redacted, count) = redactor.redact(String(decoding: line, as: UTF8.self))
                guard count > 0 else { continue }
                redactions += count
                #expect((try? JSONSerialization.jsonObject(with: Data(redacted.utf8))) != nil, "\(file.lastPathComponent)")
                #expect(redacted.components(separatedBy: "[REDACTED:").count - 1 == count)
            }
        }
        #expect(redactions > 0, "the corpus holds secrets-like values, so this test checks something")
    }
}
