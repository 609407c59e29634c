import Storage

/// Small hand-made sessions shared by the storage and API suites.
public enum TestFixtures {
    public static func entry(_ uuid: String, _ kind: String, _ text: String, seq: Int64, branch: String = "main",
                      tool: String? = nil, isError: Bool = false, time: String = "2026-02-01T10:00:00.000Z") -> EntryRecord {
        EntryRecord(uuid: uuid, parentUUID: nil, sequence: seq, type: kind == "human_prompt" ? "user" : "assistant", kind: kind,
                    isSidechain: false, timestamp: time, toolName: tool, isError: isError, messageID: nil, requestID: nil,
                    model: nil, cwd: "/work/shop", gitBranch: branch, version: nil, usage: .zero, text: text, raw: "{}")
    }

    /// Two sessions in project `shop`: `auth` (branch main) and `billing` (branch invoices).
    public static let searchCorpus: [SessionBatch] = [
        SessionBatch(sessionID: "auth", entries: [
            entry("a1", "human_prompt", "The login fails with ECONNREFUSED when Redis is down", seq: 0),
            entry("a2", "assistant_text", "I changed UserService.swift so the session token is refreshed", seq: 1),
            entry("a3", "tool_call", "Edit src/api/handlers.go", seq: 2, tool: "Edit"),
            entry("a4", "tool_result", "panic: runtime error in parse_args", seq: 3, tool: "Bash", isError: true),
            entry("a5", "thinking", "maybe the memcached pool is exhausted", seq: 4),
        ]),
        SessionBatch(sessionID: "billing", entries: [
            entry("b1", "human_prompt", "Add invoices to the billing page", seq: 0, branch: "invoices", time: "2026-03-01T10:00:00.000Z"),
            entry("b2", "assistant_text", "Invoices now render; the session token is unchanged", seq: 1, branch: "invoices",
                  time: "2026-03-01T10:05:00.000Z"),
            entry("b3", "assistant_text", "Fixed the flaky invoice test by seeding the clock", seq: 2, branch: "invoices",
                  time: "2026-03-01T10:06:00.000Z"),
        ]),
    ]
}
