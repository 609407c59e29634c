import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Storage
import TestSupport
import Testing

@Suite("cci import")
struct ImportCommandTests {
    @Test("imports a folder like ~/.claude/projects, and again stores nothing new", arguments: TestDatabase.backends)
    func importFolder(backend: StorageBackend) async throws {
        let database = try await TestDatabase.migratedByCLI(backend)
        let projects = try TestPaths.temporaryDirectory("cci-claude-projects")
        let project = projects.appendingPathComponent("-home-me-spotter")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let source = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter")
        for name in ["short.jsonl", "tool_heavy.jsonl", "258c7280-ae70-4798-800f-63464d01a85d"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: project.appendingPathComponent(name))
        }
        let environment = database.environment.merging(try Self.freshState()) { $1 }
        let first = try await CLIProcess.run(["import", projects.path], environment: environment)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("imported 4 of 4 files"), "\(first.output)")
        #expect(!first.output.contains(" 0 new entries"))
        #expect(first.output.contains("short.jsonl: "), "one plain line per file when not on a terminal")

        // Offsets are remembered: nothing is read again, until a file grows.
        let second = try await CLIProcess.run(["import", projects.path], environment: environment)
        #expect(second.output.contains("imported 4 of 4 files (4 unchanged): 0 sessions, 0 lines, 0 new entries"), "\(second.output)")
        #expect(second.output.contains("0.0 MB in"))
        let appended = try Self.appendFreshLines(from: source.appendingPathComponent("short.jsonl"),
                                                 to: project.appendingPathComponent("short.jsonl"))
        let third = try await CLIProcess.run(["import", projects.path], environment: environment)
        #expect(third.output.contains("(3 unchanged): 1 sessions, \(appended) lines, \(appended) new entries, 0 already stored"),
                "\(third.output)")
        // --rescan reads everything again and stores nothing twice.
        let rescan = try await CLIProcess.run(["import", "--rescan", projects.path], environment: environment)
        #expect(rescan.output.contains(" 0 new entries"), "\(rescan.output)")
        #expect(!rescan.output.contains("unchanged"))

        let missing = try await CLIProcess.run(["import", "/nonexistent/claude"], environment: environment)
        #expect(missing.status != 0)
        #expect(missing.errors.contains("/nonexistent/claude does not exist"))
        await database.drop()
    }

    @Test("--server sends through a running server with an API key; a re-run sends only new lines",
          arguments: TestDatabase.backends)
    func importThroughServer(backend: StorageBackend) async throws {
        let database = try await TestDatabase.migratedByCLI(backend)
        let secret = try await CLIProcess.run(["keys", "generate"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServeCommandTests.serve(database.environment.merging(["ADMIN_API_KEY": secret]) { $1 })
        let url = "http://127.0.0.1:\(try await ServeCommandTests.port(of: server))"
        let folder = try Self.spotterFolder("cci-import-server", ["short.jsonl", "tool_heavy.jsonl"])
        let environment = try Self.freshState()

        let refused = try await CLIProcess.run(["import", "--server", url, "--api-key", "cci_wrong", folder.path], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.output.contains("HTTP 401"), "\(refused.output)")

        let first = try await CLIProcess.run(["import", "--server", url, folder.path],
                                             environment: environment.merging(["CCI_API_KEY": secret]) { $1 })
        #expect(first.status == 0, "\(first.output)\(first.errors)")
        #expect(first.output.contains("imported 2 of 2 files"), "\(first.output)")
        let stored = try await Self.entryCount(url: url, session: Self.shortSession, key: secret)
        #expect(stored > 0)

        let appended = try Self.appendFreshLines(from: TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/short.jsonl"),
                                                 to: folder.appendingPathComponent("short.jsonl"))
        let second = try await CLIProcess.run(["import", "--server", url, "--api-key", secret, folder.path], environment: environment)
        #expect(second.output.contains("(1 unchanged): 1 sessions, \(appended) lines, \(appended) new entries, 0 already stored"),
                "\(second.output)")
        #expect(try await Self.entryCount(url: url, session: Self.shortSession, key: secret) == stored + appended)

        let badURL = try await CLIProcess.run(["import", "--server", "localhost:8080", folder.path], environment: environment)
        #expect(badURL.status != 0)
        #expect(badURL.errors.contains("--server must be an http:// or https:// URL"), "\(badURL.errors)")
        try await server.terminate()
        await database.drop()
    }

    @Test("--server waits out the server's 429 answers for as long as Retry-After says, and stores every file")
    func importWaitsOutRateLimits() async throws {
        let database = try await TestDatabase.migratedByCLI(.sqlite)
        // One request a second with no burst: files sent two at a time meet 429 at once.
        let server = try ServeCommandTests.serve(database.environment.merging([
            "API_KEY_ENABLED": "false", "DEFAULT_RATE_LIMIT": "60", "RATE_LIMIT_BURST": "1",
        ]) { $1 })
        let url = "http://127.0.0.1:\(try await ServeCommandTests.port(of: server))"
        let folder = try Self.spotterFolder(
            "cci-import-limited", ["short.jsonl", "tool_heavy.jsonl", "4d5611e5-241a-462a-8d15-5122611a9569.jsonl"])
        let run = try await CLIProcess.run(["import", "--server", url, folder.path],
                                           environment: try Self.freshState())
        #expect(run.status == 0, "\(run.output)\(run.errors)")
        #expect(run.output.contains("imported 3 of 3 files"), "\(run.output)")
        let (_, metrics) = try await ServeCommandTests.get(url + "/metrics")
        #expect(String(decoding: metrics, as: UTF8.self).contains(#"route="/api/sessions/{id}/entries",status="429""#),
                "the server never answered 429, so nothing was waited out")
        try await server.terminate()
        await database.drop()
    }

    @Test("--server retries a request whose connection the server dropped, and stores every file once the server answers")
    func importRetriesDroppedConnections() async throws {
        let database = try await TestDatabase.migratedByCLI(.sqlite)
        let folder = try Self.spotterFolder("cci-import-dropped", ["short.jsonl", "tool_heavy.jsonl"])
        let dropping = try DroppingListener()
        let importer = try CLIProcess(["import", "--server", "http://127.0.0.1:\(dropping.port)", folder.path],
                                      environment: try Self.freshState())
        let deadline = ContinuousClock.now + .seconds(20)
        while dropping.dropped == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(dropping.dropped > 0, "the import never connected")
        // The real server takes the port over; without retries the import has already failed.
        dropping.stop()
        let server = try ServeCommandTests.serve(database.environment.merging([
            "SERVER_PORT": "\(dropping.port)", "API_KEY_ENABLED": "false",
        ]) { $1 })
        #expect(try await ServeCommandTests.port(of: server) == dropping.port)
        #expect(try await importer.wait() == 0, "\(importer.standardOutput)\(importer.standardError)")
        #expect(importer.standardOutput.contains("imported 2 of 2 files"), "\(importer.standardOutput)")
        try await server.terminate()
        await database.drop()
    }

    @Test("--server gives a server that is not there, or drops every connection, eight tries (~35 s), then skips the file with the reason and exits 1",
          arguments: [(false, "connection refused"), (true, "the connection closed before an answer")])
    func importGivesUpOnAnAbsentServer(drops: Bool, reason: String) async throws {
        let dropping = drops ? try DroppingListener() : nil
        defer { dropping?.stop() }
        let port = try dropping?.port ?? LoopbackPorts.free()
        let folder = try Self.spotterFolder("cci-import-absent", ["short.jsonl"])
        let importer = try CLIProcess(["import", "--server", "http://127.0.0.1:\(port)", folder.path],
                                      environment: try Self.freshState())
        // A connection retried until each request's 300 s deadline would time this out.
        #expect(try await importer.wait(timeout: .seconds(90)) == 1)
        #expect(importer.standardOutput.contains(
            "skipped \(folder.path)/short.jsonl: the server at http://127.0.0.1:\(port) cannot be reached: \(reason)\n"),
                "\(importer.standardOutput)")
        #expect(importer.standardOutput.contains("imported 0 of 1 files"), "\(importer.standardOutput)")
    }

    @Test("--server sends a file of several slices deriving once: each session ends as a direct import leaves it")
    func importLargeFileThroughServer() async throws {
        let folder = try TestPaths.temporaryDirectory("cci-import-large")
        let file = folder.appendingPathComponent("large.jsonl")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        // Two 8 MB slices: the first holds all of one session and the start of a second,
        // the last only the second. The first session is left to the refresh at the end.
        let short = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/short.jsonl")
        let tail = folder.appendingPathComponent("tail-source.jsonl")
        try String(contentsOf: short, encoding: .utf8)
            .replacingOccurrences(of: "55604662-cf2a-4331-851a-ec234028f8ca", with: "tail-session")
            .write(to: tail, atomically: true, encoding: .utf8)
        var lines = 0
        for (source, megabytes) in [(short, 7), (tail, 9)] {
            while (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0) < megabytes << 20 {
                lines += try Self.appendFreshLines(from: source, to: file)
            }
        }

        var summaries: [[SessionSummary]] = []
        for viaServer in [false, true] {
            let database = try await TestDatabase.migratedByCLI(.sqlite)
            let environment = try Self.freshState()
            guard viaServer else {
                let direct = try await CLIProcess.run(["import", file.path], environment: database.environment.merging(environment) { $1 })
                #expect(direct.status == 0, "\(direct.errors)")
                summaries.append(try await Self.sessions(database))
                await database.drop()
                continue
            }
            let server = try ServeCommandTests.serve(database.environment.merging(["API_KEY_ENABLED": "false"]) { $1 })
            let url = "http://127.0.0.1:\(try await ServeCommandTests.port(of: server))"
            let sent = try await CLIProcess.run(["import", "--server", url, file.path], environment: environment)
            #expect(sent.status == 0, "\(sent.output)\(sent.errors)")
            summaries.append(try await Self.sessions(database))
            try await server.terminate()
            await database.drop()
        }
        let (direct, served) = (summaries[0], summaries[1])
        #expect(direct.map(\.entryCount).reduce(0, +) == lines)
        #expect(direct.count == 2 && direct.allSatisfy { $0.mainChainCount > 0 }, "\(direct)")
        #expect(served == direct)
    }

    /// A new folder holding copies of these corpus files of marot__spotter.
    static func spotterFolder(_ name: String, _ files: [String]) throws -> URL {
        let folder = try TestPaths.temporaryDirectory(name)
        let source = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter")
        for file in files {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        return folder
    }

    /// An environment whose import state (remembered offsets) starts empty.
    static func freshState() throws -> [String: String] {
        ["XDG_STATE_HOME": try TestPaths.temporaryDirectory("cci-state").path]
    }

    /// Every session as stored, without the times of the writes.
    static func sessions(_ database: TestDatabase) async throws -> [SessionSummary] {
        let storage = try database.openStorage(poolSize: 1)
        let page = try await storage.sessions(matching: SessionFilter(includeSubagents: true), cursor: nil, limit: 10)
        await storage.close()
        return page.items.sorted { $0.id < $1.id }.map { session in
            var session = session
            (session.createdAt, session.updatedAt) = ("", "")
            return session
        }
    }

    @Test("--watch ingests lines appended to a live transcript, and new transcripts")
    func watch() async throws {
        let folder = try TestPaths.temporaryDirectory("cci-watch")
        let environment = [
            "DATABASE_PATH": folder.appendingPathComponent("cci.db").path,
            "XDG_STATE_HOME": folder.appendingPathComponent("state").path,
        ]
        #expect(try await CLIProcess.run(["migrate"], environment: environment).status == 0)
        let projects = folder.appendingPathComponent("projects/-home-me-app")
        try FileManager.default.createDirectory(at: projects, withIntermediateDirectories: true)
        let source = TestPaths.corpus.appendingPathComponent("transcripts/marot__spotter/short.jsonl")
        let live = projects.appendingPathComponent("short.jsonl")
        try FileManager.default.copyItem(at: source, to: live)

        let watcher = try CLIProcess(["import", "--watch", folder.appendingPathComponent("projects").path], environment: environment)
        _ = try await watcher.waitForLine(containing: "watching ")
        let appended = try Self.appendFreshLines(from: source, to: live)
        let line = try await watcher.waitForLine(containing: "\(live.path): \(appended) lines, \(appended) new")
        #expect(line.hasSuffix("already stored"))
        try FileManager.default.copyItem(at: source, to: projects.appendingPathComponent("copy.jsonl"))
        _ = try await watcher.waitForLine(containing: "copy.jsonl: ")
        watcher.signal(SIGINT)
        _ = try await watcher.wait()

        // What the watcher stored is in the database, and its offsets were remembered.
        let again = try await CLIProcess.run(["import", folder.appendingPathComponent("projects").path], environment: environment)
        #expect(again.output.contains("imported 2 of 2 files (2 unchanged)"), "\(again.output)")
    }

    /// The session of the corpus file `short.jsonl`.
    static let shortSession = "55604662-cf2a-4331-851a-ec234028f8ca"

    /// Appends the lines of `source` again to `file` with fresh uuids, as a session that goes
    /// on would; returns how many lines were appended.
    static func appendFreshLines(from source: URL, to file: URL) throws -> Int {
        let text = try String(contentsOf: source, encoding: .utf8)
        var count = 0
        var appended = ""
        for line in text.split(separator: "\n") where line.contains("\"uuid\":\"") {
            let fresh = line.replacingOccurrences(
                of: #""uuid":"[^"]+""#, with: "\"uuid\":\"\(UUID().uuidString.lowercased())\"", options: .regularExpression)
            appended += fresh + "\n"
            count += 1
        }
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(appended.utf8))
        try handle.close()
        return count
    }

    /// How many entries the server holds for a session (all chains, through the paged API).
    static func entryCount(url: String, session: String, key: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "\(url)/api/sessions/\(session)")!)
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return object?["entry_count"] as? Int ?? -1
    }
}
