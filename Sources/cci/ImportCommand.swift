import AsyncHTTPClient
import ArgumentParser
import Foundation
import Ingest
import ServiceConfig
import Storage

/// `cci import [PATH...]`: stores Claude Code transcripts from disk, in the configured
/// database or through a running server.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Claude Code transcripts (default: ~/.claude/projects) into the database or a server.",
        discussion: """
            Files and folders may be given; folders are searched for *.jsonl, subagent files included. \
            How far each file was imported is remembered (see --state), so running again reads only what \
            was appended; importing the same lines twice never stores them twice.
            """)

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Transcript files or folders.")
    var paths: [String] = []

    @Option(help: "Send to a running server at this base URL (e.g. http://localhost:8080) instead of writing to the database.")
    var server: String?

    @Option(help: "API key for --server, with write:sessions (default: $CCI_API_KEY).")
    var apiKey: String?

    @Option(help: "File remembering how far each file was imported (default: $XDG_STATE_HOME/cci/import-offsets.json, else ~/.local/state/cci/import-offsets.json).")
    var state: String?

    @Flag(help: "Read every file from its start, ignoring remembered offsets.")
    var rescan = false

    @Flag(help: "After importing, keep running and ingest lines appended to the transcripts, and new transcripts, as they are written.")
    var watch = false

    @Flag(help: "Print one plain line per file even on a terminal, instead of a progress bar.")
    var plain = false

    func run() async throws {
        let config = try options.load().config
        let roots = try Self.roots(paths)
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--server must be an http:// or https:// URL, such as http://localhost:8080; got '\(server)'")
            }
            try await HTTPClient.withHTTPClient(configuration: ServerSink.clientConfiguration) { client in
                let sink = ServerSink(server: url, apiKey: apiKey ?? ProcessInfo.processInfo.environment["CCI_API_KEY"], client: client)
                try await importAll(roots, into: sink, maxLineBytes: config.ingest.maxLineBytes)
            }
        } else {
            let cache = try SharedCacheInvalidation(config: config)
            do {
                try await withMigratedStorage(options) { storage in
                    let sink = DatabaseSink(
                        store: storage, destination: Self.destination(config.database),
                        redact: config.ingest.redactSecrets, maxLineBytes: config.ingest.maxLineBytes)
                    try await importAll(roots, into: cache.wrap(sink), maxLineBytes: config.ingest.maxLineBytes)
                }
            } catch {
                await cache.close()
                throw error
            }
            await cache.close()
        }
    }

    private func importAll(_ roots: [URL], into sink: any TranscriptSink, maxLineBytes: Int) async throws {
        var offsets = try ImportOffsets(
            file: state.map { URL(fileURLWithPath: $0) } ?? ImportOffsets.defaultFile(), destination: sink.destination)
        if rescan { offsets.forgetAll() }
        var run = ImportRun(
            roots: roots, importer: TranscriptFileImporter(sink: sink, maxLineBytes: maxLineBytes),
            offsets: offsets, output: ImportOutput(plain: plain))
        let tally = try await run.importOnce()
        if watch {
            try await run.follow()
        } else if tally.failed > 0 {
            throw ExitCode(1)
        }
    }

    /// The folders and files to import; `~/.claude/projects` when none are given.
    static func roots(_ paths: [String]) throws -> [URL] {
        let roots = paths.isEmpty
            ? [FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".claude/projects")]
            : paths.map { URL(fileURLWithPath: $0).standardizedFileURL }
        for root in roots where !FileManager.default.fileExists(atPath: root.path) {
            throw CLIError("\(root.path) does not exist")
        }
        return roots
    }

    /// Names the database for remembered offsets, without its password.
    static func destination(_ database: AppConfig.Database) -> String {
        switch database.type {
        case .sqlite:
            return "sqlite:" + URL(fileURLWithPath: database.path).standardizedFileURL.path
        case .postgres:
            let withoutPassword = database.url
                .replacingOccurrences(of: #"(://[^:/@]*):[^@]*@"#, with: "$1@", options: .regularExpression)
                .replacingOccurrences(of: #"password\s*=\s*('[^']*'|\S+)"#, with: "", options: .regularExpression)
            return "postgres:" + withoutPassword
        }
    }
}
