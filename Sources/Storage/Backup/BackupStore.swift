import Foundation

/// Backups of the whole database into the backup folder, and restores from them.
///
/// SQLite backups are consistent copies taken while writes continue; PostgreSQL backups are
/// made by the real `pg_dump`. Every backup has a manifest with its SHA-256, and a restore
/// checks that checksum before it touches the live data. One backup or restore runs at a
/// time per process; a second one meanwhile fails with ``BackupError/busy``.
public protocol BackupStore: Sendable {
    /// Takes a backup now and returns its manifest. `format` nil means the backend's default
    /// (`sqlite` on SQLite, `pg-custom` on PostgreSQL); `pg-plain` on SQLite writes SQL that
    /// `psql` loads into an empty PostgreSQL database. The file appears in the folder
    /// complete or not at all.
    func createBackup(type: BackupType, format: BackupFormat?, description: String?) async throws -> BackupManifest

    /// Every complete backup in the folder, newest first.
    func backups() async throws -> [BackupManifest]

    /// Replaces the whole database with the backup `name`, then applies migrations newer
    /// than the backup's schema.
    ///
    /// Refused, with the live data untouched, when the name is not a plain file name
    /// (``BackupError/invalidName(_:reason:)``), there is no such backup (`notFound`), the file
    /// does not match its manifest's checksum (`checksumMismatch`) or fails verification, or
    /// the backup is for another backend or a newer schema (`incompatible`). The replacement
    /// is atomic: readers see the old data or the new, never a mixture, and a failure part
    /// way leaves the old data.
    func restoreBackup(named name: String) async throws -> RestoreOutcome

    /// Deletes a backup and its manifest; false when there was no such backup.
    func deleteBackup(named name: String) async throws -> Bool

    /// Takes an automatic backup when one is due under the shared schedule, then deletes the
    /// oldest automatic backups beyond `keep`. Manual backups are never deleted.
    ///
    /// The schedule lives in the database: a backup is due `interval` after the last
    /// automatic one (or after the schedule was first seen). Any number of processes may
    /// call this at once on one database: a lock lets one of them work and the others
    /// return ``AutomaticBackupOutcome/notDue`` or `lockedElsewhere`.
    func takeAutomaticBackupIfDue(interval: Duration, keep: Int, now: Date) async throws -> AutomaticBackupOutcome
}

/// What a restore did.
public struct RestoreOutcome: Sendable, Equatable {
    public let manifest: BackupManifest
    /// Migrations applied after the restore because the backup's schema was older.
    public let migrationsApplied: [String]

    public init(manifest: BackupManifest, migrationsApplied: [String]) {
        self.manifest = manifest
        self.migrationsApplied = migrationsApplied
    }
}

/// What one check of the automatic schedule did.
public enum AutomaticBackupOutcome: Sendable, Equatable {
    /// The schedule was first seen now; the first backup is due one interval later.
    case scheduleStarted(nextDue: Date)
    /// Not yet due.
    case notDue(nextDue: Date)
    /// Another process holds the lock (it is taking the backup).
    case lockedElsewhere
    /// A backup was taken; `pruned` lists automatic backups deleted to keep the limit.
    case taken(BackupManifest, pruned: [String])
}
