import Foundation
@testable import Storage
import TestSupport
import Testing

@Suite("Database behaviour on both backends")
struct DatabaseTests {
    func withStorage(_ backend: StorageBackend, poolSize: Int = 4, _ body: (SQLStorage) async throws -> Void) async throws {
        try await TestDatabase.withMigratedStorage(backend, poolSize: poolSize, body)
    }

    @Test("ping answers", arguments: TestDatabase.backends)
    func ping(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            try await storage.ping()
            #expect(storage.backend == backend)
        }
    }

    @Test("$N parameters bind by number, out of order, reused, and next to quoted dollars", arguments: TestDatabase.backends)
    func numberedParameters(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let rows = try await storage.database.read { connection in
                try connection.query("SELECT $2 AS b, $1 AS a, $1 AS again, '$1' AS literal", .text("one"), .text("two"))
            }
            #expect(rows.first?["b"].string == "two")
            #expect(rows.first?["a"].string == "one")
            #expect(rows.first?["again"].string == "one")
            #expect(rows.first?["literal"].string == "$1")
        }
    }

    @Test("forEachRow streams the rows query returns, in order; a failure mid-stream throws and leaves the connection usable",
          arguments: TestDatabase.backends)
    func streamedRows(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let series = backend == .sqlite
                ? "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000) SELECT x, 'row ' || x AS label FROM n"
                : "SELECT x, 'row ' || x AS label FROM generate_series(1, 2000) AS n(x)"
            try await storage.database.read { connection in
                let listed = try connection.query(series)
                var streamed: [SQLRow] = []
                try connection.forEachRow(series, []) { streamed.append($0) }
                #expect(streamed.count == 2000)
                #expect(streamed.map { $0["x"].int } == listed.map { $0["x"].int })
                #expect(streamed.last?["label"].string == "row 2000")

                // The body's error ends the stream; so does the database's.
                struct Stop: Error {}
                var seen = 0
                #expect(throws: Stop.self) {
                    try connection.forEachRow(series, []) { _ in
                        seen += 1
                        if seen == 10 { throw Stop() }
                    }
                }
                #expect(seen == 10)
                // Run again, the same SQL starts from its first row (SQLite keeps the statement).
                var again = 0
                try connection.forEachRow(series, []) { _ in again += 1 }
                #expect(again == 2000)
                #expect(throws: StorageError.self) {
                    try connection.forEachRow("SELECT no_such_column FROM projects", []) { _ in }
                }
                #expect(try connection.query("SELECT 42 AS answer").first?["answer"].int == 42)
            }
        }
    }

    @Test("values round-trip unchanged", arguments: TestDatabase.backends)
    func valuesRoundTrip(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let text = "naïve — 日本語 \"quoted\" \\ back\tslash\nnew line 🚀"
            let created = Timestamp.format(Date(timeIntervalSince1970: 1_764_000_000.123))
            try await storage.database.write { connection in
                try connection.query(
                    "INSERT INTO projects (path, name, created_at) VALUES ($1, $2, $3)",
                    .text("/home/me/project"), .text(text), .text(created))
            }
            let rows = try await storage.database.read { connection in
                try connection.query("SELECT id, path, name, created_at FROM projects WHERE path = $1", .text("/home/me/project"))
            }
            #expect(rows.count == 1)
            #expect(rows[0]["name"].string == text)
            #expect(rows[0]["id"].int64 != nil)
            let stored = try #require(rows[0]["created_at"].string.flatMap(Timestamp.parse))
            #expect(abs(stored.timeIntervalSince1970 - 1_764_000_000.123) < 0.001)
        }
    }

    @Test("SQLite: text and blobs bound in place are stored as given, whatever their size, with every other kind beside them")
    func sqliteBindsInPlace() async throws {
        try await withStorage(.sqlite) { storage in
            let texts = ["a", String(repeating: "s", count: 15), String(repeating: "ü", count: 16), "nul\u{0}inside",
                         String(repeating: "long line 🚀 ", count: 10_000), ""]
            let blob: [UInt8] = Array(0...255) + Array(repeating: 7, count: 70_000)
            let once: [SQLValue] = texts.map { .text($0) } + [.blob(blob), .null, .integer(-42), .real(2.5)]
            let values = once + once  // one statement, twenty values, each twice
            let columns = (1...values.count).map { "c\($0)" }
            let stored = try await storage.database.write { connection in
                try connection.executeScript("CREATE TEMP TABLE bound (\(columns.joined(separator: ", ")))")
                try connection.query(
                    "INSERT INTO bound VALUES (\((1...values.count).map { "$\($0)" }.joined(separator: ", ")))", values)
                return try connection.query("SELECT * FROM bound")
            }
            #expect(stored.count == 1)
            for (index, value) in values.enumerated() {
                #expect(stored.first?[columns[index]] == value, "value \(index + 1)")
            }
        }
    }

    @Test("a failed write transaction leaves nothing behind", arguments: TestDatabase.backends)
    func rollback(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let now = Timestamp.format(Date())
            await #expect(throws: StorageError.self) {
                try await storage.database.write { connection in
                    try connection.query("INSERT INTO projects (path, name, created_at) VALUES ($1, $2, $3)", .text("/a"), .text("a"), .text(now))
                    // The same path again breaks the unique rule.
                    try connection.query("INSERT INTO projects (path, name, created_at) VALUES ($1, $2, $3)", .text("/a"), .text("a"), .text(now))
                }
            }
            let count = try await storage.database.read { try $0.query("SELECT count(*) AS n FROM projects") }
            #expect(count.first?["n"].int == 0)
        }
    }

    @Test("a unique violation is reported as a constraint violation", arguments: TestDatabase.backends)
    func constraintViolation(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let now = Timestamp.format(Date())
            let insert = "INSERT INTO projects (path, name, created_at) VALUES ($1, $2, $3)"
            try await storage.database.write { try $0.query(insert, .text("/b"), .text("b"), .text(now)) }
            await #expect {
                try await storage.database.write { try $0.query(insert, .text("/b"), .text("b"), .text(now)) }
            } throws: { error in
                if case StorageError.constraintViolation = error { return true }
                return false
            }
        }
    }

    @Test("concurrent writers lose nothing and the pool stays within its bound", arguments: TestDatabase.backends)
    func concurrentWriters(backend: StorageBackend) async throws {
        let database = try await TestDatabase.make(backend)
        // Waiting is what this test is about: on a loaded machine the queue may be long.
        let patience = Duration.seconds(600)
        let opened = backend == .sqlite
            ? try Database.sqlite(path: database.location, readers: 3, acquireTimeout: patience)
            : Database.postgres(url: database.location, poolSize: 3, acquireTimeout: patience)
        let storage = SQLStorage(
            database: opened, migrations: try MigrationFile.load(from: TestPaths.migrations.path, backend: backend),
            backups: BackupSettings(directory: database.backupDirectory, migrationsDirectory: TestPaths.migrations.path))
        try await storage.migrate()
        defer { Task { await storage.close(); await database.drop() } }
        do {
            let writers = 100
            let maxSeen = MaxTracker()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<writers {
                    group.addTask {
                        try await storage.database.write { connection in
                            try connection.query(
                                "INSERT INTO projects (path, name, created_at) VALUES ($1, $2, $3)",
                                .text("/p/\(index)"), .text("p\(index)"), .text(Timestamp.format(Date())))
                        }
                        _ = try await storage.database.read { try $0.query("SELECT count(*) FROM projects") }
                        for pool in storage.poolStatistics() { maxSeen.observe(pool.name, pool.inUse, limit: pool.maxConnections) }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await storage.database.read { try $0.query("SELECT count(*) AS n FROM projects") }
            #expect(rows.first?["n"].int == writers)
            #expect(maxSeen.exceeded == false)
        }
    }

    @Test("an unreachable PostgreSQL server fails fast with a clear error")
    func unreachablePostgres() async throws {
        let database = Database.postgres(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", poolSize: 1)
        await #expect {
            try await database.read { try $0.query("SELECT 1") }
        } throws: { error in
            guard case StorageError.unavailable(let message) = error else { return false }
            return !message.isEmpty
        }
        await database.close()
    }

    @Test("statements run again see schema changes, and many one-off statements leave the connection working",
          arguments: TestDatabase.backends)
    func keptStatements(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            try await storage.database.write { connection in
                try connection.executeScript("CREATE TABLE kept (a INTEGER)")
                try connection.query("INSERT INTO kept (a) VALUES ($1)", .integer(1))
                #expect(try connection.query("SELECT * FROM kept").first?.columns == ["a"])
                try connection.executeScript("ALTER TABLE kept ADD COLUMN b TEXT DEFAULT 'new'")
                let row = try connection.query("SELECT * FROM kept").first
                #expect(row?.columns == ["a", "b"])
                #expect(row?["b"].string == "new")
                // Past the number of statements SQLite keeps, each still answers its own.
                for n in 0..<150 {
                    #expect(try connection.query("SELECT \(n) + $1 AS n", .integer(1)).first?["n"].int == n + 1)
                }
                #expect(try connection.query("SELECT count(*) AS n FROM kept").first?["n"].int == 1)
                try connection.executeScript("DROP TABLE kept")
            }
        }
    }

    @Test("SQLite: committed pages reach the database file beside the writer, before it closes")
    func walCheckpointedInBackground() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cci-wal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wal.db").path
        let database = try Database.sqlite(path: path, readers: 1)
        try await database.write { try $0.executeScript("CREATE TABLE blobs (b BLOB)") }
        // 1,600 rows of nearly a page each, each on a page of its own: past the 1,000-page threshold.
        for _ in 0..<4 {
            try await database.write { connection in
                for _ in 0..<400 { try connection.query("INSERT INTO blobs (b) VALUES (randomblob($1))", .integer(Self.pageSizedBlob)) }
            }
        }
        func databaseFileBytes() -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let deadline = ContinuousClock.now + .seconds(20)
        while databaseFileBytes() < 6_000_000 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(databaseFileBytes() >= 6_000_000, "the WAL was not checkpointed into the database file")
        await database.close()
    }

    /// A blob that fills most of a page of a new SQLite file, so each row takes a page of its own.
    static let pageSizedBlob = Int64(SQLiteConnection.pageSize - 200)

    @Test("SQLite: a commit that leaves the ceiling's 128 MB of pages or more in the WAL copies them into the database file before it returns")
    func walCeilingCheckpointedByTheWriter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cci-wal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wal.db").path
        let database = try Database.sqlite(path: path, readers: 1)
        try await database.write { try $0.executeScript("CREATE TABLE blobs (b BLOB)") }
        // A page each, 1,000 rows more than the ceiling's frames, in one transaction: past it at its commit.
        try await database.write { connection in
            for _ in 0..<Int(WALCheckpointer.ceilingFrames) + 1000 { try connection.query("INSERT INTO blobs (b) VALUES (randomblob($1))", .integer(Self.pageSizedBlob)) }
        }
        // Read at once: the background checkpoint is only asked for after the commit returns,
        // and copying 140 MB takes it far longer than this.
        let databaseFileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let ceilingBytes = Int(WALCheckpointer.ceilingFrames) * SQLiteConnection.pageSize
        #expect(databaseFileBytes >= ceilingBytes, "the writer left \(databaseFileBytes) bytes in the database file")
        await database.close()
    }

    @Test("an unwritable SQLite path fails at open with the path in the message")
    func unwritableSQLite() throws {
        #expect { try Database.sqlite(path: "/proc/cci-cannot-write/test.db", readers: 1) } throws: { "\($0)".contains("cci-cannot-write") }
    }
}

/// Records whether any pool was ever seen using more connections than its limit.
final class MaxTracker: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var exceeded = false
    func observe(_ name: String, _ inUse: Int, limit: Int) {
        lock.lock()
        if inUse > limit { exceeded = true }
        lock.unlock()
    }
}
