import Hummingbird
import Storage

/// `/api/backup` (admin): take a backup, list them, restore one, delete one.
struct BackupRoutes {
    let store: any BackupStore
    /// Emptied after a restore: every cached answer describes data that is gone.
    let cache: ResponseCache

    func register(on group: RouterGroup<AppRequestContext>, routes: RouteTable) {
        routes.add(.post, "/api/backup")
        group.post("/backup") { request, context in try await create(request, context) }
        routes.add(.get, "/api/backup")
        group.get("/backup") { _, context in
            JSONResponse(BackupList(backups: try await runBackupOperation(context) { try await store.backups() }))
        }
        routes.add(.post, "/api/backup/restore")
        group.post("/backup/restore") { request, context in try await restore(request, context) }
        routes.add(.delete, "/api/backup/{filename}")
        group.delete("/backup/{filename}") { _, context in
            let name = try context.parameters.require("filename")
            let deleted = try await runBackupOperation(context) {
                try BackupName.validate(name)
                return try await store.deleteBackup(named: name)
            }
            guard deleted else { throw APIError.notFound("no backup named \(name)") }
            return Response(status: .noContent)
        }
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> JSONResponse<BackupManifest> {
        let body = try await JSONBody.read(request, context: context)
        let type = try body.string("type") ?? BackupType.manual.rawValue
        guard type == BackupType.manual.rawValue else {
            throw APIError.badRequest("type must be \"manual\"; automatic backups are taken by the schedule")
        }
        let description = try body.string("description", maxLength: 1000)
        let format = try body.string("format").map { text -> BackupFormat in
            guard let format = BackupFormat(rawValue: text) else {
                throw APIError.badRequest("format must be one of \(BackupFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return format
        }
        let manifest = try await runBackupOperation(context) {
            try await store.createBackup(type: .manual, format: format, description: description)
        }
        return JSONResponse(manifest, status: .created)
    }

    private func restore(_ request: Request, _ context: AppRequestContext) async throws -> JSONResponse<RestoreView> {
        let body = try await JSONBody.read(request, context: context)
        let name = try body.string("backup_filename", required: true, maxLength: 1000) ?? ""
        do {
            try BackupName.validate(name)
        } catch let error as BackupError {
            throw APIError(error)
        }
        guard try body.bool("confirm") == true else {
            throw APIError.badRequest(
                "confirm must be true: a restore replaces every session, entry and API key with the backup's")
        }
        let outcome = try await runBackupOperation(context) { try await store.restoreBackup(named: name) }
        await cache.invalidateAll()
        return JSONResponse(RestoreView(restored: outcome.manifest, migrationsApplied: outcome.migrationsApplied))
    }
}

struct BackupList: Encodable, Sendable {
    let backups: [BackupManifest]
}

struct RestoreView: Encodable, Sendable {
    let restored: BackupManifest
    let migrationsApplied: [String]

    enum CodingKeys: String, CodingKey {
        case restored
        case migrationsApplied = "migrations_applied"
    }
}
