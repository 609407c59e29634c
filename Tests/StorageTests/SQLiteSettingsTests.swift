import Foundation
@testable import Storage
import TestSupport
import Testing

@Suite("SQLite file and cache settings")
struct SQLiteSettingsTests {
    @Test("a new database file takes the service's page size; an existing file keeps its own and its data")
    func pageSize() throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pages.db").path
        let created = try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: 1000)
        try created.executeScript("CREATE TABLE t (v TEXT)")
        #expect(try created.query("PRAGMA page_size")[0]["page_size"].int64 == Int64(SQLiteConnection.pageSize))

        // An older file, made with SQLite's default page size: rewritten with 4 KB pages.
        try created.executeScript(
            "INSERT INTO t VALUES ('kept'); PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM;")
        created.close()
        let reopened = try SQLiteConnection(path: path, readOnly: false, busyTimeoutMilliseconds: 1000)
        #expect(try reopened.query("PRAGMA page_size")[0]["page_size"].int64 == 4096)
        #expect(try reopened.query("PRAGMA journal_mode")[0]["journal_mode"].string == "wal")
        #expect(try reopened.query("SELECT v FROM t").map { $0["v"].string } == ["kept"])
    }

    @Test("the writer has the larger page cache; readers keep SQLite's default")
    func writerCache() async throws {
        let directory = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try Database.sqlite(path: directory.appendingPathComponent("cache.db").path, readers: 2)
        let writer = try await database.write { try $0.query("PRAGMA cache_size")[0]["cache_size"].int64 }
        let reader = try await database.read { try $0.query("PRAGMA cache_size")[0]["cache_size"].int64 }
        await database.close()
        #expect(writer == -Int64(Database.writerCacheKiB))
        #expect(reader == -2000)
    }
}
