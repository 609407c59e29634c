@testable import Storage
import Testing

@Suite("SQLite parameter numbering")
struct SQLiteParameterTests {
    @Test("$1, $2, … in order become ?; any other use of numbers becomes ?N; quotes and comments are left alone")
    func rewrite() {
        #expect(SQLiteConnection.numberedParameters("INSERT INTO t VALUES ($1, $2), ($3, $4)") == "INSERT INTO t VALUES (?, ?), (?, ?)")
        #expect(SQLiteConnection.numberedParameters("SELECT $1, $12 WHERE a = $2") == "SELECT ?1, ?12 WHERE a = ?2")
        #expect(SQLiteConnection.numberedParameters("SELECT $1 WHERE a = $1") == "SELECT ?1 WHERE a = ?1")
        #expect(SQLiteConnection.numberedParameters("SELECT '$1', \"$2\", $1 -- $4\n, $2 /* $6 */ $3")
            == "SELECT '$1', \"$2\", ? -- $4\n, ? /* $6 */ ?")
        #expect(SQLiteConnection.numberedParameters("SELECT 'it''s $1', $a, $") == "SELECT 'it''s $1', $a, $")
    }
}
