import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Storage
import TestSupport
import Testing

@Suite("cci backup and cci restore")
struct BackupCommandTests {
    static let transcripts = ["transcripts/marot__spotter/short.jsonl", "transcripts/mattjoyce__vestig/session.jsonl"]
        .map { TestPaths.corpus.appendingPathComponent($0).path }

    /// The value after `label ` on a line of `output`.
    static func field(_ label: String, in output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix(label + " ") }
            .map { String($0.dropFirst(label.count + 1).split(separator: " ")[0]) }
    }

    @Test("backup, list, restore with --confirm only, and delete", arguments: TestDatabase.backends)
    func cycle(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let environment = database.environment
        #expect(try await CLIProcess.run(["migrate"], environment: environment).status == 0)
        #expect(try await CLIProcess.run(["import"] + Self.transcripts, environment: environment).status == 0)

        let created = try await CLIProcess.run(["backup", "--description", "from the cli"], environment: environment)
        #expect(created.status == 0, "\(created.errors)")
        let name = try #require(Self.field("created", in: created.output))
        #expect(Self.field("sha256", in: created.output)?.count == 64)
        let listed = try await CLIProcess.run(["backup", "list"], environment: environment)
        #expect(listed.output.contains(name))
        #expect(listed.output.contains("from the cli"))
        #expect(listed.output.contains("1 backups"))

        let storage = try database.openStorage(poolSize: 1)
        let before = try await StorageSnapshot.data(storage)
        let victim = try #require(try await storage.sessions(matching: SessionFilter(), cursor: nil, limit: 1).items.first)
        _ = try await storage.deleteSession(id: victim.id)

        let unconfirmed = try await CLIProcess.run(["restore", name], environment: environment)
        #expect(unconfirmed.status != 0)
        #expect(unconfirmed.errors.contains("add --confirm"))
        #expect(try await storage.session(id: victim.id) == nil)
        let escaping = try await CLIProcess.run(["restore", "../" + name, "--confirm"], environment: environment)
        #expect(escaping.status != 0)
        #expect(escaping.errors.contains("invalid backup name"))
        let restored = try await CLIProcess.run(["restore", name, "--confirm"], environment: environment)
        #expect(restored.status == 0, "\(restored.errors)")
        #expect(restored.output.contains("restored \(name)"))
        #expect(try await StorageSnapshot.data(storage) == before)
        await storage.close()

        let badFormat = try await CLIProcess.run(["backup", "--format", "zip"], environment: environment)
        #expect(badFormat.status != 0)
        #expect(badFormat.errors.contains("--format must be one of sqlite, pg-custom, pg-plain"))
        #expect(try await CLIProcess.run(["backup", "delete", name], environment: environment).status == 0)
        #expect(try await CLIProcess.run(["backup", "list"], environment: environment).output.contains("0 backups"))
        await database.drop()
    }

    /// The documented way from a single node to PostgreSQL, end to end with the real
    /// binaries and the whole corpus: what `cci serve` answers on SQLite and on the
    /// PostgreSQL database loaded from the export must be the same.
    @Test("cci backup --format pg-plain, psql -f, and cci serve on PostgreSQL serves the same sessions, entries and search results",
          .enabled(if: TestServices.runPostgres))
    func moveToPostgres() async throws {
        let source = try await TestDatabase.migratedByCLI(.sqlite)
        let corpus = ["transcripts", "edge-cases"].map { TestPaths.corpus.appendingPathComponent($0).path }
        let importer = try CLIProcess(["import"] + corpus, environment: source.environment)
        #expect(try await importer.wait(timeout: .seconds(600)) == 0, "\(importer.standardError)")  // a loaded machine is slow
        let key = try await CLIProcess.run(["keys", "create", "--name", "mover", "--permissions", "read:sessions"],
                                           environment: source.environment)
        let secret = try #require(key.output.split(separator: "\n").last.map(String.init))
        let export = try await CLIProcess.run(["backup", "--format", "pg-plain"], environment: source.environment)
        #expect(export.status == 0, "\(export.errors)")
        let file = try #require(Self.field("path", in: export.output))

        let target = try await TestDatabase.make(.postgres)
        let psql = try await PostgresTools(directories: PostgresTools.defaultDirectories()).locate("psql", serverMajor: 0)
        let load = Process()
        load.executableURL = URL(fileURLWithPath: psql.path)
        load.arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file, "-d", target.location]
        load.standardOutput = FileHandle.nullDevice
        try load.run()
        while load.isRunning { try await Task.sleep(for: .milliseconds(20)) }  // never block a cooperative thread
        #expect(load.terminationStatus == 0)
        let status = try await CLIProcess.run(["migrate", "--status"], environment: target.environment)
        #expect(status.output.contains("0 pending"), "\(status.output)")

        var served: [[String]] = []
        for database in [source, target] {
            let server = try ServeCommandTests.serve(database.environment.merging([
                "DATABASE_AUTO_BACKUP": "false", "RATE_LIMIT_ENABLED": "false",
            ]) { $1 })
            let port = try await ServeCommandTests.port(of: server)
            let (ready, _) = try await ServeCommandTests.get("http://127.0.0.1:\(port)/ready")
            #expect(ready == 200)
            served.append(try await ServedData(port: port, key: secret).everything())
            #expect(try await server.terminate() == 0)
        }
        let sessionCount = served[0].filter { $0.hasPrefix("session ") }.count
        #expect(sessionCount >= 30, "\(served[0].prefix(3))")
        #expect(served[0].filter { $0.hasPrefix("search ") && !$0.hasSuffix(" 0") }.count >= 8)
        #expect(served[0].count == served[1].count)
        for (sqlite, postgres) in zip(served[0], served[1]) where sqlite != postgres {
            // Name what differs: these lines run to many kilobytes.
            let (a, b) = (Set(sqlite.split(separator: " ")), Set(postgres.split(separator: " ")))
            Issue.record("""
                SQLite and PostgreSQL differ on \(sqlite.prefix(80))…
                only SQLite: \(a.subtracting(b).sorted().prefix(20))
                only PostgreSQL: \(b.subtracting(a).sorted().prefix(20))
                """)
            break
        }
        await source.drop()
        await target.drop()
    }
}
