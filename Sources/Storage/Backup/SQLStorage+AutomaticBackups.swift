import Foundation

extension SQLStorage {
    /// The database lock automatic backups take; any constant shared by every replica.
    static let automaticBackupLockKey: Int64 = 7_271_460_002
    /// The schedule's row in `backup_schedule`.
    static let automaticSchedule = "automatic"

    public func takeAutomaticBackupIfDue(interval: Duration, keep: Int, now: Date) async throws -> AutomaticBackupOutcome {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        // Cheap check first, so that most calls take no lock.
        let (lastRun, started) = try await scheduleLastRun(startingAt: now)
        if started { return .scheduleStarted(nextDue: now.addingTimeInterval(seconds)) }
        if lastRun.addingTimeInterval(seconds) > now { return .notDue(nextDue: lastRun.addingTimeInterval(seconds)) }

        guard let lock = try await database.tryLock(Self.automaticBackupLockKey) else { return .lockedElsewhere }
        do {
            // Again under the lock: another process may have taken it a moment ago.
            let (current, _) = try await scheduleLastRun(startingAt: now)
            if current.addingTimeInterval(seconds) > now {
                await lock.release()
                return .notDue(nextDue: current.addingTimeInterval(seconds))
            }
            let manifest = try await createBackup(type: .automatic, format: nil, description: "automatic backup")
            try await database.write { connection in
                _ = try connection.query(
                    "UPDATE backup_schedule SET last_run_at = $2, last_file = $3 WHERE name = $1",
                    .text(Self.automaticSchedule), .text(Timestamp.format(now)), .text(manifest.fileName))
            }
            let pruned = try await pruneAutomaticBackups(keep: keep)
            await lock.release()
            return .taken(manifest, pruned: pruned)
        } catch {
            await lock.release()
            throw error
        }
    }

    /// Deletes the oldest automatic backups beyond `keep`; returns their names.
    func pruneAutomaticBackups(keep: Int) async throws -> [String] {
        let automatic = try await backups().filter { $0.type == .automatic }
        let excess = automatic.dropFirst(max(0, keep)).map(\.fileName)
        let folder = backupFolder
        try await BlockingWork.run { for name in excess { try folder.remove(name) } }
        return excess
    }

    /// When the last automatic backup ran (or the schedule started); `started` is true when
    /// this call started it.
    private func scheduleLastRun(startingAt now: Date) async throws -> (lastRun: Date, started: Bool) {
        try await database.write { connection in
            let inserted = try connection.query(
                "INSERT INTO backup_schedule (name, last_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name",
                .text(Self.automaticSchedule), .text(Timestamp.format(now)))
            if !inserted.isEmpty { return (now, true) }
            let row = try connection.query("SELECT last_run_at FROM backup_schedule WHERE name = $1", .text(Self.automaticSchedule))
            let text = row.first.flatMap { SessionRow.timestamp($0["last_run_at"]) }
            return (text.flatMap(Timestamp.parse) ?? .distantPast, false)
        }
    }
}
