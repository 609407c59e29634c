import Foundation

/// Backups of a PostgreSQL database with PostgreSQL's own tools.
///
/// A backup is `pg_dump` (custom format, or plain SQL with `--clean --if-exists`), read
/// back before it is kept (`pg_restore --list`, or the plain dump's closing line). A restore
/// runs `psql --single-transaction` with `ON_ERROR_STOP`: first every table of the service's
/// schema is dropped, then the dump's SQL (for a custom archive, the SQL `pg_restore`
/// writes from it) recreates them. It all commits together or not at all, and tables that
/// are newer than the backup do not survive it.
struct PostgresBackups: Sendable {
    let database: Database
    let tools: PostgresTools

    /// Drops every table of the connection's current schema; the restore's first step.
    static let dropTables = """
        DO $$
        DECLARE t record;
        BEGIN
            FOR t IN SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() LOOP
                EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', current_schema(), t.tablename);
            END LOOP;
        END $$;
        """

    /// The marker pg_dump writes at the end of a complete plain dump.
    static let plainDumpEnd = "-- PostgreSQL database dump complete"

    /// Writes a dump of the live database to `file`, and reads it back.
    func dump(to file: URL, format: BackupFormat) async throws {
        let connection = try PostgresConnectionInfo(database.location)
        let major = try await serverMajor()
        let pgDump = try await tools.locate("pg_dump", serverMajor: major)
        var arguments = ["--no-owner", "--no-privileges", "--file=\(file.path)", "--dbname=\(connection.conninfo)"]
        arguments += format == .pgCustom ? ["--format=custom"] : ["--format=plain", "--clean", "--if-exists"]
        try? FileManager.default.removeItem(at: file)
        do {
            try await run(pgDump, arguments, connection)
            try await verify(file, format: format, serverMajor: major)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// Replaces every table with the (already checksum-verified) dump in `file`. `scratch`
    /// holds the SQL of a custom archive while it is loaded, and is removed afterwards.
    func restore(from file: URL, format: BackupFormat, scratch: URL) async throws {
        let connection = try PostgresConnectionInfo(database.location)
        let major = try await serverMajor()
        let psql = try await tools.locate("psql", serverMajor: major)
        var script = file
        if format == .pgCustom {
            let pgRestore = try await tools.locate("pg_restore", serverMajor: major)
            try await run(pgRestore, ["--no-owner", "--no-privileges", "--file=\(scratch.path)", file.path], connection)
            script = scratch
        }
        defer { if script == scratch { try? FileManager.default.removeItem(at: scratch) } }
        try await run(psql, [
            "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", "--dbname=\(connection.conninfo)",
            "--command=\(Self.dropTables)", "--file=\(script.path)",
        ], connection)
    }

    /// Checks that a dump can be read back: `pg_restore --list` for an archive, the closing
    /// line for plain SQL.
    private func verify(_ file: URL, format: BackupFormat, serverMajor: Int) async throws {
        if format == .pgCustom {
            let pgRestore = try await tools.locate("pg_restore", serverMajor: serverMajor)
            let listed = try await ToolProcess.run(pgRestore.path, ["--list", file.path])
            guard listed.status == 0 else {
                throw BackupError.verificationFailed("pg_restore --list \(file.lastPathComponent): \(listed.output)")
            }
            return
        }
        let tail = try await BlockingWork.run { () -> String in
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
            return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        }
        guard tail.contains(Self.plainDumpEnd) else {
            throw BackupError.verificationFailed("\(file.lastPathComponent) does not end like a complete pg_dump")
        }
    }

    private func serverMajor() async throws -> Int {
        let number = try await database.read { connection in
            try connection.query("SHOW server_version_num").first?[0].int ?? 0
        }
        return PostgresTools.major(ofServerVersionNumber: number)
    }

    private func run(_ tool: PostgresTools.Tool, _ arguments: [String], _ connection: PostgresConnectionInfo) async throws {
        let result = try await ToolProcess.run(tool.path, arguments, environment: connection.environment)
        guard result.status == 0 else {
            throw BackupError.toolFailed(tool: tool.name, status: result.status, output: result.output)
        }
    }
}
