import API
import ArgumentParser
import Foundation
import Logging
import ServiceConfig
import Ingest
import Storage

/// `cci import [PATH...]`: stores Claude Code transcripts from disk in the configured database.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Claude Code transcripts (default: ~/.claude/projects) into the configured database.",
        discussion: "Files and folders may be given; folders are searched for *.jsonl. Importing again stores nothing twice.")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Transcript files or folders.")
    var paths: [String] = []

    func run() async throws {
        let config = try options.load().config
        let roots = paths.isEmpty
            ? [FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".claude/projects")]
            : paths.map { URL(fileURLWithPath: $0) }
        var files: [URL] = []
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
                throw CLIError("\(root.path) does not exist")
            }
            files += isDirectory.boolValue ? TranscriptFileImporter.transcripts(under: root) : [root]
        }
        try await withMigratedStorage(options) { storage in
            let importer = TranscriptFileImporter(
                store: storage, redact: config.ingest.redactSecrets, maxLineBytes: config.ingest.maxLineBytes)
            var totals = (files: 0, sessions: Set<String>(), inserted: 0, duplicates: 0, failed: 0)
            for file in files {
                let result = await importer.importFile(file)
                totals.files += 1
                totals.sessions.formUnion(result.sessions)
                totals.inserted += result.inserted
                totals.duplicates += result.duplicates
                if let error = result.error {
                    totals.failed += 1
                    print("skipped \(file.path): \(error)")
                } else if result.malformed > 0 {
                    print("\(file.path): \(result.malformed) malformed lines skipped")
                }
            }
            print("imported \(totals.files - totals.failed) of \(totals.files) files: \(totals.sessions.count) sessions, "
                + "\(totals.inserted) new entries, \(totals.duplicates) already stored")
            try await invalidateSharedCache(config, sessions: totals.sessions)
            if totals.failed > 0 { throw ExitCode(1) }
        }
    }

    /// Servers sharing a Redis cache drop their cached answers about what was imported;
    /// a server without Redis keeps its in-process answers until they expire (`cache.ttl`).
    private func invalidateSharedCache(_ config: AppConfig, sessions: Set<String>) async throws {
        guard config.redisURL != nil, config.cache.enabled, !sessions.isEmpty else { return }
        let shared = try SharedServices.make(config: config, logger: Logger(label: "cci.import"))
        await shared.responses.invalidate(sessionIDs: sessions)
        await shared.close()
    }
}
