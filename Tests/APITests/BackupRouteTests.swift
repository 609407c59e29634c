import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import Storage
import TestSupport
import Testing

@Suite("Backups over a real socket")
struct BackupRouteTests {
    static let jsonHeaders: HTTPFields = [.contentType: "application/json", .init("X-API-Key")!: TestApp.adminSecret]

    static func post(_ client: any TestClientProtocol, _ uri: String, _ body: String,
                     headers: HTTPFields = jsonHeaders) async throws -> (TestResponse, [String: Any]) {
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        return (response, (try? TestApp.json(response)) ?? [:])
    }

    static func error(_ body: [String: Any]) -> (code: String, message: String) {
        let error = body["error"] as? [String: Any] ?? [:]
        return (error["code"] as? String ?? "", error["message"] as? String ?? "")
    }

    static func folder(_ storage: any Storage) -> URL {
        URL(fileURLWithPath: (storage as! SQLStorage).backupSettings.directory)
    }

    @Test("POST creates a backup (201 with its manifest), GET lists it, restore brings deleted data back, DELETE removes it",
          arguments: TestDatabase.backends)
    func lifecycle(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let (created, manifest) = try await Self.post(client, "/api/backup", #"{"type": "manual", "description": "before cleanup"}"#)
            #expect(created.status == .created, "\(manifest)")
            let name = try #require(manifest["file_name"] as? String)
            #expect((manifest["sha256"] as? String)?.count == 64)
            #expect((manifest["size"] as? Int ?? 0) > 0)
            #expect(manifest["type"] as? String == "manual")
            #expect(manifest["description"] as? String == "before cleanup")
            #expect(manifest["backend"] as? String == backend.rawValue)
            #expect(manifest["format"] as? String == (backend == .sqlite ? "sqlite" : "pg-custom"))
            #expect(manifest["schema_version"] as? Int == (try await storage.migrationStatus()).schemaVersion)
            #expect(manifest["created_at"] as? String != nil)

            let listed = try await client.execute(uri: "/api/backup", method: .get, headers: TestApp.admin)
            #expect(listed.status == .ok)
            let backups = try #require(try TestApp.json(listed)["backups"] as? [[String: Any]])
            #expect(backups.map { $0["file_name"] as? String } == [name])

            let deleted = try await client.execute(uri: "/api/sessions/auth", method: .delete, headers: TestApp.admin)
            #expect(deleted.status == .noContent)
            let (restored, body) = try await Self.post(client, "/api/backup/restore", #"{"backup_filename": "\#(name)", "confirm": true}"#)
            #expect(restored.status == .ok, "\(body)")
            #expect((body["restored"] as? [String: Any])?["file_name"] as? String == name)
            #expect(body["migrations_applied"] as? [String] == [])
            let session = try await client.execute(uri: "/api/sessions/auth", method: .get, headers: TestApp.admin)
            #expect(session.status == .ok)

            let removed = try await client.execute(uri: "/api/backup/\(name)", method: .delete, headers: TestApp.admin)
            #expect(removed.status == .noContent)
            let again = try await client.execute(uri: "/api/backup/\(name)", method: .delete, headers: TestApp.admin)
            #expect(again.status == .notFound)
        }
    }

    @Test("restore refuses names that leave the folder (400), a missing confirm (400), unknown backups (404) and a checksum mismatch (422, data untouched)",
          arguments: TestDatabase.backends)
    func refusals(backend: StorageBackend) async throws {
        try await TestApp.run(backend: backend) { client, _, storage in
            _ = try await storage.ingest(TestFixtures.searchCorpus)
            let manifest = try await storage.createBackup(type: .manual, format: nil, description: nil)
            let folder = Self.folder(storage)

            for name in ["../../etc/passwd", "/etc/passwd", "a/b.sqlite3", "..", "..\\\\x"] {
                let (response, body) = try await Self.post(client, "/api/backup/restore", #"{"backup_filename": "\#(name)", "confirm": true}"#)
                #expect(response.status == .badRequest, "\(name)")
                #expect(Self.error(body).code == "invalid_request")
                #expect(Self.error(body).message.hasPrefix("backup_filename "), "\(body)")
            }
            for body in [#"{"backup_filename": "\#(manifest.fileName)"}"#, #"{"backup_filename": "\#(manifest.fileName)", "confirm": false}"#,
                         #"{"backup_filename": "\#(manifest.fileName)", "confirm": "yes"}"#, #"{"confirm": true}"#] {
                let (response, answer) = try await Self.post(client, "/api/backup/restore", body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(Self.error(answer).message.contains("confirm") || Self.error(answer).message.contains("backup_filename"))
            }
            let (unknown, unknownBody) = try await Self.post(client, "/api/backup/restore", #"{"backup_filename": "cci-none.dump", "confirm": true}"#)
            #expect(unknown.status == .notFound)
            #expect(Self.error(unknownBody).code == "not_found")

            _ = try await storage.deleteSession(id: "auth")
            let file = folder.appendingPathComponent(manifest.fileName)
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count - 10] ^= 0x01
            try bytes.write(to: file)
            let (mismatch, mismatchBody) = try await Self.post(
                client, "/api/backup/restore", #"{"backup_filename": "\#(manifest.fileName)", "confirm": true}"#)
            #expect(mismatch.status == .unprocessableContent)
            #expect(Self.error(mismatchBody).code == "checksum_mismatch")
            #expect(!String(buffer: mismatch.body).contains(folder.path))
            #expect(try await storage.session(id: "auth") == nil)
            #expect(try await storage.session(id: "billing") != nil)
        }
    }

    @Test("bad create requests get 400; a format the backend does not write gets 409; keys without admin get 403")
    func createRefusals() async throws {
        try await TestApp.run { client, _, storage in
            for body in [#"{"type": "automatic"}"#, #"{"format": "zip"}"#, #"{"description": 5}"#, "[]"] {
                let (response, answer) = try await Self.post(client, "/api/backup", body)
                #expect(response.status == .badRequest, "\(body): \(answer)")
            }
            let (foreign, foreignBody) = try await Self.post(client, "/api/backup", #"{"format": "pg-custom"}"#)
            #expect(foreign.status == .conflict)
            #expect(Self.error(foreignBody).code == "incompatible_backup")

            // The PostgreSQL export of a SQLite database does not restore into SQLite.
            let (export, exportBody) = try await Self.post(client, "/api/backup", #"{"format": "pg-plain"}"#)
            #expect(export.status == .created)
            let name = exportBody["file_name"] as? String ?? ""
            let (restore, restoreBody) = try await Self.post(client, "/api/backup/restore", #"{"backup_filename": "\#(name)", "confirm": true}"#)
            #expect(restore.status == .conflict)
            #expect(Self.error(restoreBody).code == "incompatible_backup")

            let reader = APIKeySecret.generate()
            _ = try await storage.createKey(NewAPIKey(
                id: reader.id, name: "reader", hash: reader.hash, prefix: reader.displayPrefix,
                permissions: ["read:sessions", "write:sessions"], rateLimit: nil, expiresAt: nil))
            let readerHeaders: HTTPFields = [.contentType: "application/json", .init("X-API-Key")!: reader.secret]
            let list = try await client.execute(uri: "/api/backup", method: .get, headers: readerHeaders)
            #expect(list.status == .forbidden)
            let (create, _) = try await Self.post(client, "/api/backup", "{}", headers: readerHeaders)
            #expect(create.status == .forbidden)
            let (restoreForbidden, _) = try await Self.post(
                client, "/api/backup/restore", #"{"backup_filename": "\#(name)", "confirm": true}"#, headers: readerHeaders)
            #expect(restoreForbidden.status == .forbidden)
            #expect(try await storage.backups().count == 1)
        }
    }

    @Test("with auto_backup on, backups are taken every backup_interval and max_backups automatic ones are kept")
    func automatic() async throws {
        let environment = ["DATABASE_AUTO_BACKUP": "true", "DATABASE_BACKUP_INTERVAL": "1s", "DATABASE_MAX_BACKUPS": "2"]
        try await TestApp.run(environment: environment) { _, logs, storage in
            let manual = try await storage.createBackup(type: .manual, format: nil, description: "by hand")
            // Wait for a third automatic backup, at a moment when pruning has caught up with it.
            let deadline = ContinuousClock.now + .seconds(120)  // generous: a loaded machine starves timers
            var taken = 0
            var backups: [BackupManifest] = []
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                taken = logs.all.filter { $0.contains("automatic backup taken") }.count
                backups = try await storage.backups()
            } while (taken < 3 || backups.filter { $0.type == .automatic }.count != 2) && ContinuousClock.now < deadline
            #expect(logs.all.contains { $0.contains("automatic backups scheduled") })
            #expect(taken >= 3)
            #expect(backups.filter { $0.type == .automatic }.count == 2)
            #expect(backups.contains(manual))
        }
    }

    @Test("a backup while another runs gets 409 backup_in_progress")
    func busy() async throws {
        try await TestApp.run { client, _, storage in
            let sqlStorage = storage as! SQLStorage
            try await sqlStorage.backupActivity.exclusive {
                let (response, body) = try await Self.post(client, "/api/backup", "{}")
                #expect(response.status == .conflict)
                #expect(Self.error(body).code == "backup_in_progress")
            }
        }
    }

    @Test("PostgreSQL tools older than the server: 503 without paths in the answer", .enabled(if: TestServices.runPostgres))
    func oldTools() async throws {
        let database = try await TestDatabase.make(.postgres)
        let fakeFolder = try TestPaths.temporaryDirectory("cci-fake-pg")
        defer { try? FileManager.default.removeItem(at: fakeFolder) }
        let script = fakeFolder.appendingPathComponent("pg_dump")
        try "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let storage = SQLStorage(
            database: Database.postgres(url: database.location, poolSize: 2),
            migrations: try MigrationFile.load(from: TestPaths.migrations.path, backend: .postgres),
            backups: BackupSettings(directory: database.backupDirectory, migrationsDirectory: TestPaths.migrations.path,
                                    toolDirectories: [fakeFolder.path]))
        try await storage.migrate()
        _ = try await AdminKeyBootstrap.run(store: storage, configuredSecret: TestApp.adminSecret, configuredFile: nil)
        try await TestApp.run(storage: storage) { client, logs, _ in
            let (response, body) = try await Self.post(client, "/api/backup", "{}")
            #expect(response.status == .serviceUnavailable)
            #expect(Self.error(body).code == "unavailable")
            #expect(Self.error(body).message.contains("older than the server"))
            #expect(!String(buffer: response.body).contains(fakeFolder.path))
            #expect(logs.all.contains { $0.contains("pg_dump 9.6.24") })
        }
        await database.drop()
    }
}
