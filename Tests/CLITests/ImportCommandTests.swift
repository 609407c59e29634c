import Foundation
import Storage
import TestSupport
import Testing

@Suite("cci import")
struct ImportCommandTests {
    @Test("imports a folder like ~/.claude/projects, and again stores nothing new", arguments: TestDatabase.backends)
    func importFolder(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        #expect(try await CLIProcess.run(["migrate"], environment: database.environment).status == 0)
        let projects = try TestPaths.temporaryDirectory("cci-claude-projects")
        let project = projects.appendingPathComponent("-home-me-spotter")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let source = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter")
        for name in ["short.jsonl", "tool_heavy.jsonl", "258c7280-ae70-4798-800f-63464d01a85d"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: project.appendingPathComponent(name))
        }
        let first = try await CLIProcess.run(["import", projects.path], environment: database.environment)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("imported 4 of 4 files"), "\(first.output)")
        #expect(!first.output.contains(" 0 new entries"))
        let second = try await CLIProcess.run(["import", projects.path], environment: database.environment)
        #expect(second.output.contains(" 0 new entries"), "\(second.output)")

        let missing = try await CLIProcess.run(["import", "/nonexistent/claude"], environment: database.environment)
        #expect(missing.status != 0)
        #expect(missing.errors.contains("/nonexistent/claude does not exist"))
        await database.drop()
    }
}
