import Foundation
import Storage
import TestSupport
import Testing

@Suite("cci keys and the default admin key")
struct KeysCommandTests {
    @Test("cci keys create, list and revoke work against the database", arguments: TestDatabase.backends)
    func createListRevoke(backend: StorageBackend) async throws {
        let database = try await TestDatabase.migratedByCLI(backend)
        let created = try await CLIProcess.run(
            ["keys", "create", "--name", "laptop", "--permissions", "read:sessions,write:sessions", "--rate-limit", "30"],
            environment: database.environment)
        #expect(created.status == 0, "\(created.errors)")
        let lines = created.output.split(separator: "\n")
        let secret = try #require(lines.last.map(String.init))
        #expect(secret.hasPrefix("cci_"))
        let id = try #require(lines.first?.split(separator: " ").dropFirst().first.map(String.init))

        let listed = try await CLIProcess.run(["keys", "list"], environment: database.environment)
        #expect(listed.output.contains(id))
        #expect(listed.output.contains("laptop"))
        #expect(listed.output.contains("30/min"))
        #expect(!listed.output.contains(secret))

        #expect(try await CLIProcess.run(["keys", "revoke", id], environment: database.environment).status == 0)
        let afterRevoke = try await CLIProcess.run(["keys", "list"], environment: database.environment)
        #expect(afterRevoke.output.contains("revoked"))
        let twice = try await CLIProcess.run(["keys", "revoke", id], environment: database.environment)
        #expect(twice.status != 0)
        #expect(twice.errors.contains("no active key"))

        let bad = try await CLIProcess.run(["keys", "create", "--name", "x", "--permissions", "root"], environment: database.environment)
        #expect(bad.status != 0)
        #expect(bad.errors.contains("unknown permission root"))
        await database.drop()
    }

    @Test("three replicas starting at once on one database: exactly one prints the admin key",
          .enabled(if: TestServices.runPostgres))
    func oneReplicaPrints() async throws {
        let database = try await TestDatabase.make(.postgres)
        let environment = database.environment.merging(["DATABASE_AUTO_MIGRATE": "true"]) { $1 }
        let replicas = try (0..<3).map { _ in try ServeCommandTests.serve(environment) }
        for replica in replicas { _ = try await replica.waitForLine(containing: "\"msg\":\"listening\"") }
        let printed = replicas.filter { $0.standardOutput.contains("Default admin API key") }
        #expect(printed.count == 1)
        let secret = try #require(printed.first?.standardOutput.split(separator: "\n")
            .first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("cci_") }?.trimmingCharacters(in: .whitespaces))
        // The key is never in a JSON log line.
        for replica in replicas {
            #expect(!replica.standardOutput.split(separator: "\n").contains { $0.hasPrefix("{") && $0.contains(secret) })
        }
        for replica in replicas { replica.signal(SIGTERM) }
        for replica in replicas { #expect(try await replica.wait() == 0) }
        await database.drop()
    }

    @Test("with ADMIN_API_KEY set, no key is generated or printed")
    func configuredKeyNotPrinted() async throws {
        let secret = try await CLIProcess.run(["keys", "generate"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("cci_"))
        let child = try ServeCommandTests.serveOnNewSQLite("cci-admin", ["ADMIN_API_KEY": secret])
        _ = try await child.waitForLine(containing: "\"msg\":\"listening\"")
        #expect(!child.standardOutput.contains(secret))
        #expect(!child.standardOutput.contains("Default admin API key"))
        #expect(child.standardOutput.contains("admin API key installed from configuration"))
        #expect(try await child.terminate() == 0)
    }

    @Test("API_KEY_ENABLED=false warns loudly at start")
    func disabledWarning() async throws {
        let child = try ServeCommandTests.serveOnNewSQLite("cci-open", ["API_KEY_ENABLED": "false"])
        let line = try await child.waitForLine(containing: "AUTHENTICATION IS DISABLED")
        #expect(line.contains("\"level\":\"warning\""))
        _ = try await child.waitForLine(containing: "\"msg\":\"listening\"")
        #expect(try await child.terminate() == 0)
    }
}

@Suite("Admin key on a schema migrated after start")
struct LateSchemaAdminKeyTests {
    @Test("a replica started before cci migrate sets up the admin key once the schema is current",
          .enabled(if: TestServices.runPostgres))
    func lateMigration() async throws {
        let database = try await TestDatabase.make(.postgres)
        let child = try ServeCommandTests.serve(database.environment)
        _ = try await child.waitForLine(containing: "\"msg\":\"listening\"")
        #expect(!child.standardOutput.contains("Default admin API key"))
        #expect(try await CLIProcess.run(["migrate"], environment: database.environment).status == 0)
        _ = try await child.waitForLine(containing: "Default admin API key")
        #expect(try await child.terminate() == 0)
        await database.drop()
    }
}
