import Foundation

/// Backup file names: made here for new backups, and checked here before any name a
/// person sent is joined to the backup folder.
public enum BackupName {
    /// Longest name accepted (most file systems allow 255 bytes; the manifest adds `.json`).
    public static let maxLength = 200

    /// Throws ``BackupError/invalidName(_:reason:)`` unless `name` is a plain file name:
    /// not empty, no `/` or `\`, not `..` anywhere, no leading `.` or `-`, and only letters,
    /// digits, `.`, `_` and `-`. Such a name can only ever point inside the backup folder.
    public static func validate(_ name: String) throws {
        func refuse(_ reason: String) -> BackupError { .invalidName(name, reason: reason) }
        if name.isEmpty { throw refuse("must not be empty") }
        if name.hasPrefix("/") { throw refuse("must be a file name, not an absolute path") }
        if name.contains("/") || name.contains("\\") { throw refuse("must be a file name without / or \\") }
        if name.contains("..") { throw refuse("must not contain ..") }
        if name.utf8.count > maxLength { throw refuse("must be at most \(maxLength) characters") }
        if name.hasPrefix(".") || name.hasPrefix("-") { throw refuse("must not start with . or -") }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
        if !allowed { throw refuse("may contain only letters, digits, '.', '_' and '-'") }
    }

    /// A new, unique name: `cci-20261125T081820123Z-manual-3fa2c1.sqlite3`. Names sort by time.
    static func make(at date: Date, type: BackupType, format: BackupFormat) -> String {
        let stamp = Timestamp.format(date).filter { $0 != "-" && $0 != ":" && $0 != "." }
        let random = UUID().uuidString.lowercased().prefix(6)
        return "cci-\(stamp)-\(type.rawValue)-\(random).\(format.fileExtension)"
    }
}
