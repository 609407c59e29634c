import Foundation
import Logging
import ServiceLifecycle
import Storage

/// Takes automatic backups every `database.backup_interval` and keeps the newest
/// `database.max_backups` of them.
///
/// Every replica runs one; the schedule and a lock live in the database, so each scheduled
/// backup is taken by one replica only (see ``BackupStore/takeAutomaticBackupIfDue(interval:keep:now:)``).
/// It checks every `checkEvery` (at most a minute, so a replica that starts late or a
/// schedule moved by a restore is noticed soon). On shutdown it stops waiting at once, but
/// a backup in progress is finished first; it must therefore be registered after the
/// service that closes the storage, which stops in reverse order.
struct BackupScheduler: Service {
    let store: any BackupStore
    let interval: Duration
    let keep: Int
    let logger: Logger
    var checkEvery: Duration

    init(store: any BackupStore, interval: Duration, keep: Int, logger: Logger) {
        self.store = store
        self.interval = interval
        self.keep = keep
        self.logger = logger
        self.checkEvery = min(interval, .seconds(60))
    }

    func run() async throws {
        while true {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: checkEvery) }
            } catch {
                return  // shutting down
            }
            await check()
        }
    }

    /// One look at the schedule; failures are logged and retried at the next check.
    func check() async {
        do {
            switch try await store.takeAutomaticBackupIfDue(interval: interval, keep: keep, now: Date()) {
            case .taken(let manifest, let pruned):
                logger.info("automatic backup taken", metadata: [
                    "file": "\(manifest.fileName)", "size": "\(manifest.size)", "pruned": "\(pruned.joined(separator: ","))",
                ])
            case .scheduleStarted(let next):
                logger.info("automatic backups scheduled", metadata: ["first_due": "\(Timestamp.format(next))"])
            case .notDue, .lockedElsewhere:
                break
            }
        } catch {
            logger.warning("automatic backup failed; retrying at the next check", metadata: ["error": "\(error)"])
        }
    }
}
