import Foundation
@testable import Storage
import Testing

@Suite("Backup names")
struct BackupNameTests {
    @Test("names that could leave the backup folder are refused, naming why",
          arguments: [
            ("../x.db", "must be a file name without / or \\"), ("/etc/passwd", "must be a file name, not an absolute path"),
            ("a/b.db", "must be a file name without / or \\"), ("a\\b.db", "must be a file name without / or \\"),
            ("..", "must not contain .."), ("x..db", "must not contain .."), ("", "must not be empty"),
            (".hidden", "must not start with . or -"), ("-rf", "must not start with . or -"),
            ("naïve.db", "may contain only letters, digits, '.', '_' and '-'"), ("a b.db", "may contain only letters, digits, '.', '_' and '-'"),
            (String(repeating: "a", count: 201), "must be at most 200 characters"),
          ])
    func refused(name: String, reason: String) {
        #expect(throws: BackupError.invalidName(name, reason: reason)) { try BackupName.validate(name) }
    }

    @Test("plain file names pass, and made names are valid, unique and sort by time")
    func accepted() throws {
        try BackupName.validate("cci-20261125T081820123Z-manual-3fa2c1.sqlite3")
        try BackupName.validate("my_backup.v2.dump")
        let early = BackupName.make(at: Date(timeIntervalSince1970: 1_700_000_000), type: .manual, format: .sqlite)
        let late = BackupName.make(at: Date(timeIntervalSince1970: 1_700_000_001), type: .automatic, format: .pgCustom)
        let twin = BackupName.make(at: Date(timeIntervalSince1970: 1_700_000_000), type: .manual, format: .sqlite)
        for name in [early, late, twin] { try BackupName.validate(name) }
        #expect(early.hasPrefix("cci-20231114T221320000Z-manual-"))
        #expect(early.hasSuffix(".sqlite3"))
        #expect(late.hasSuffix(".dump"))
        #expect(early < late)
        #expect(early != twin)
    }

    @Test("formats restore only where they belong")
    func restorable() {
        #expect(BackupFormat.sqlite.isRestorable(from: .sqlite, into: .sqlite))
        #expect(!BackupFormat.sqlite.isRestorable(from: .sqlite, into: .postgres))
        #expect(BackupFormat.pgCustom.isRestorable(from: .postgres, into: .postgres))
        #expect(!BackupFormat.pgCustom.isRestorable(from: .postgres, into: .sqlite))
        #expect(BackupFormat.pgPlain.isRestorable(from: .sqlite, into: .postgres))
        #expect(BackupFormat.pgPlain.isRestorable(from: .postgres, into: .postgres))
        #expect(!BackupFormat.pgPlain.isRestorable(from: .sqlite, into: .sqlite))
        #expect(BackupFormat.writable(by: .sqlite) == [.sqlite, .pgPlain])
        #expect(BackupFormat.writable(by: .postgres) == [.pgCustom, .pgPlain])
    }
}
