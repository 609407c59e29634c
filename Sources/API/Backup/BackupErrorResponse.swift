import Logging
import Storage

extension APIError {
    /// The answer for a refused or failed backup or restore. Messages never name files,
    /// tools' output or connection details; `description` (logged) does.
    init(_ error: BackupError) {
        switch error {
        case .invalidName: self = .badRequest(error.publicMessage)
        case .notFound: self = .notFound(error.publicMessage)
        case .checksumMismatch: self.init(.unprocessableContent, code: "checksum_mismatch", error.publicMessage)
        case .verificationFailed: self.init(.unprocessableContent, code: "backup_invalid", error.publicMessage)
        case .exportFailed: self.init(.unprocessableContent, code: "export_failed", error.publicMessage)
        case .incompatible: self.init(.conflict, code: "incompatible_backup", error.publicMessage)
        case .busy: self.init(.conflict, code: "backup_in_progress", error.publicMessage)
        case .toolsUnavailable: self = .unavailable(error.publicMessage)
        case .toolFailed: self.init(.internalServerError, code: "internal_error", error.publicMessage)
        }
    }
}

/// Runs a backup operation to its end even when the request is cancelled (a client that
/// goes away must not leave half a backup or interrupt a restore), and turns a
/// ``BackupError`` into its API answer, logging the full description.
func runBackupOperation<T: Sendable>(
    _ context: AppRequestContext, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    do {
        return try await runToCompletion(operation)
    } catch let error as BackupError {
        let level: Logger.Level
        switch error {
        case .toolFailed, .toolsUnavailable, .verificationFailed, .exportFailed: level = .error
        default: level = .info
        }
        context.logger.log(level: level, "backup operation refused or failed",
                           metadata: ["error": "\(error)", "request_id": "\(context.requestID)"])
        throw APIError(error)
    }
}

/// Runs `operation` in a task of its own, so that cancelling the caller (a request whose
/// client went away, or that ran out of time) neither interrupts it nor hides its result.
func runToCompletion<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task { try await operation() }.value
}
