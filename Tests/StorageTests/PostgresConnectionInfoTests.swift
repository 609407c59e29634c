@testable import Storage
import Testing

@Suite("Connection parameters for PostgreSQL's tools")
struct PostgresConnectionInfoTests {
    @Test("the password goes to PGPASSWORD, never into the --dbname the command line shows")
    func password() throws {
        let info = try PostgresConnectionInfo("postgresql://cci:s3cr%27t@db.example:6543/cci?sslmode=verify-full")
        #expect(!info.conninfo.contains("s3cr"))
        #expect(info.environment == ["PGPASSWORD": "s3cr't"])
        #expect(info.conninfo.split(separator: " ").sorted() == [
                "connect_timeout='10'", "dbname='cci'", "host='db.example'", "port='6543'", "sslmode='verify-full'", "user='cci'",
            ])
    }

    @Test("key=value strings work too; quotes and backslashes are escaped; a given connect_timeout is kept")
    func keywordForm() throws {
        let info = try PostgresConnectionInfo(#"host=/tmp dbname='it\'s' connect_timeout=3"#)
        #expect(info.environment.isEmpty)
        #expect(info.conninfo.contains(#"dbname='it\'s'"#))
        #expect(info.conninfo.contains("connect_timeout='3'"))
        #expect(!info.conninfo.contains("connect_timeout='10'"))
    }

    @Test("an unparseable string is refused without repeating it")
    func refused() {
        do {
            _ = try PostgresConnectionInfo("postgresql://u:hunter2@host/db?no_such_option=1")
            Issue.record("accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
