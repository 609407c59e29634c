import Foundation

/// Writes a SQLite database as pg_dump's plain SQL format, which
/// `psql -v ON_ERROR_STOP=1 -f FILE` loads into an empty PostgreSQL database: the way a
/// single node moves to PostgreSQL.
///
/// The file holds, in order: the DDL of the `migrations/postgres` files the SQLite database
/// has applied (verbatim); `schema_migrations` with the rows PostgreSQL's migrator would
/// have written for them (same checksums, so the schema is current there); one
/// `COPY table (columns) FROM stdin;` block per table, in foreign-key order, in COPY's text
/// format; and `setval` for each identity column so that new rows get new ids. Everything
/// is read in one read transaction: a consistent snapshot, while writes go on.
struct PostgresPlainExport: Sendable {
    let database: Database
    /// Every file of `migrations/postgres`.
    let postgresMigrations: [MigrationFile]

    /// Rows read per query: bounded memory whatever the table's size.
    static let pageSize = 200

    /// Writes the export to `file`; returns its schema version.
    func write(to file: URL) async throws -> Int {
        let migrations = postgresMigrations
        return try await database.read { connection in
            try connection.executeScript("BEGIN")
            defer { try? connection.executeScript("ROLLBACK") }
            let writer = try BufferedFileWriter(file)
            do {
                let version = try Self.export(connection, migrations: migrations, to: writer)
                try writer.finish()
                return version
            } catch {
                writer.abandon()
                try? FileManager.default.removeItem(at: file)
                throw error
            }
        }
    }

    private static func export(_ connection: any SQLConnection, migrations: [MigrationFile], to out: BufferedFileWriter) throws -> Int {
        let applied = try Migrator.appliedMigrations(connection)
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        let files = try applied.map { migration -> MigrationFile in
            guard let file = byVersion[migration.version] else {
                throw BackupError.exportFailed(
                    "the SQLite database has migration \(migration.version) (\(migration.name)) but migrations/postgres has no file with that number")
            }
            return file
        }
        let schemaVersion = applied.map(\.version).max() ?? 0
        let schema = PostgresSchema(migrations: files)
        let tables = try SQLiteTable.all(connection, excluding: ["schema_migrations"])
        try check(tables, against: schema)

        try out.write("""
            --
            -- PostgreSQL database dump
            --
            -- Written by cci from a SQLite database at schema version \(schemaVersion).
            -- Load into an empty database: psql -v ON_ERROR_STOP=1 --single-transaction -f FILE

            SET statement_timeout = 0;
            SET lock_timeout = 0;
            SET client_encoding = 'UTF8';
            SET standard_conforming_strings = on;
            SET check_function_bodies = false;
            SET client_min_messages = warning;
            SET row_security = off;


            """)
        for file in files {
            try out.write("--\n-- Migration \(file.fileName)\n--\n\n\(file.sql)\(file.sql.hasSuffix("\n") ? "" : "\n")\n")
        }
        try writeSchemaMigrations(files, to: out)
        for table in tables {
            try writeRows(of: table, schema: schema, connection, to: out)
        }
        for table in tables {
            for column in schema.tables[table.name] ?? [] where column.isIdentity && table.columns.contains(column.name) {
                let maximum = try connection.query("SELECT max(\(quoted(column.name))) AS m FROM \(quoted(table.name))")
                    .first?["m"].int64
                let sequence = "pg_catalog.pg_get_serial_sequence('\(table.name)', '\(column.name)')"
                try out.write("SELECT pg_catalog.setval(\(sequence), \(maximum ?? 1), \(maximum == nil ? "false" : "true"));\n")
            }
        }
        try out.write("\n--\n\(PostgresBackups.plainDumpEnd)\n--\n")
        return schemaVersion
    }

    /// Every table and column must exist, and not be generated, on PostgreSQL.
    static func check(_ tables: [SQLiteTable], against schema: PostgresSchema) throws {
        for table in tables {
            guard schema.tables[table.name] != nil else {
                throw BackupError.exportFailed("table \(table.name) has no counterpart in migrations/postgres")
            }
            for name in table.columns {
                guard let column = schema.column(table.name, name) else {
                    throw BackupError.exportFailed("column \(table.name).\(name) has no counterpart in migrations/postgres")
                }
                if column.isGenerated {
                    throw BackupError.exportFailed("column \(table.name).\(name) is generated on PostgreSQL but stored on SQLite")
                }
            }
        }
    }

    private static func writeSchemaMigrations(_ files: [MigrationFile], to out: BufferedFileWriter) throws {
        let now = Timestamp.format(Date())
        try out.write("--\n-- Applied migrations\n--\n\n\(Migrator.createTable(.postgres));\n\n")
        try out.write("COPY schema_migrations (version, name, checksum, applied_at, duration_ms) FROM stdin;\n")
        for file in files {
            var line: [UInt8] = []
            try CopyText.escape(String(file.version), into: &line)
            for field in [file.name, file.checksum, now, "0"] {
                line.append(0x09)
                try CopyText.escape(field, into: &line)
            }
            line.append(0x0A)
            try out.write(line)
        }
        try out.write("\(CopyText.endOfData)\n\n")
    }

    /// The table's rows as one COPY block. A table that references itself is written level
    /// by level (rows without a parent, then their children, ...) so that every row's parent
    /// is loaded before it.
    private static func writeRows(of table: SQLiteTable, schema: PostgresSchema, _ connection: any SQLConnection,
                                  to out: BufferedFileWriter) throws {
        let columns = try table.columns.map { name -> PostgresSchema.Column in
            guard let column = schema.column(table.name, name) else { throw BackupError.exportFailed("no column \(name)") }
            return column
        }
        let total = try connection.query("SELECT count(*) AS n FROM \(quoted(table.name))").first?["n"].int64 ?? 0
        try out.write("--\n-- Data for \(table.name)\n--\n\n")
        try out.write("COPY \(quoted(table.name)) (\(table.columns.map(quoted).joined(separator: ", "))) FROM stdin;\n")
        let select = "SELECT rowid AS cci_export_rowid, " + table.columns.map(quoted).joined(separator: ", ")
            + " FROM \(quoted(table.name)) WHERE "
        var levels = ["1 = 1"]
        if let reference = table.selfReference {
            levels = ["\(quoted(reference.column)) IS NULL"]
        }
        var written: Int64 = 0
        var level = 0
        while level < levels.count {
            var after: Int64 = .min
            var levelRows = 0
            while true {
                let rows = try connection.query(
                    select + "(\(levels[level])) AND rowid > $1 ORDER BY rowid LIMIT \(pageSize)", .integer(after))
                for row in rows {
                    var line: [UInt8] = []
                    for (index, column) in columns.enumerated() {
                        if index > 0 { line.append(0x09) }
                        do {
                            try CopyText.append(row[index + 1], for: column, to: &line)
                        } catch let unwritable as CopyText.Unwritable {
                            throw BackupError.exportFailed(
                                "\(table.name).\(column.name) in row \(row[0].int64 ?? 0): \(unwritable.reason)")
                        }
                    }
                    line.append(0x0A)
                    try out.write(line)
                }
                written += Int64(rows.count)
                levelRows += rows.count
                guard rows.count == pageSize, let last = rows.last?[0].int64 else { break }
                after = last
            }
            if let reference = table.selfReference, levelRows > 0 {
                levels.append("\(quoted(reference.column)) IN (SELECT \(quoted(reference.referencedColumn)) FROM "
                    + "\(quoted(table.name)) WHERE \(levels[level]))")
            }
            level += 1
        }
        guard written == total else {
            throw BackupError.exportFailed(
                "\(total - written) rows of \(table.name) reference rows that are missing or reference each other in a cycle")
        }
        try out.write("\(CopyText.endOfData)\n\n")
    }

    /// An identifier quoted the same way for SQLite and PostgreSQL.
    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
