/// A SQLite table that holds data, as the export to PostgreSQL reads it.
struct SQLiteTable: Equatable {
    /// A foreign key of one column.
    struct Reference: Equatable {
        let column: String
        let table: String
        let referencedColumn: String
    }

    let name: String
    /// Stored columns in declaration order (generated and hidden ones left out).
    let columns: [String]
    let references: [Reference]

    /// The foreign key from the table to itself (sessions → parent session), if any.
    var selfReference: Reference? { references.first { $0.table == name } }

    /// Every ordinary table of the main database except SQLite's own, virtual tables and
    /// their shadow tables, and `excluded`; ordered so that a table comes after the tables
    /// it references.
    static func all(_ connection: any SQLConnection, excluding excluded: Set<String>) throws -> [SQLiteTable] {
        let names = try connection.query(
            "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        var tables: [SQLiteTable] = []
        for row in names {
            guard let name = row["name"].string, !excluded.contains(name) else { continue }
            if row["wr"].int == 1 {
                throw BackupError.exportFailed("table \(name) is WITHOUT ROWID, which the export cannot page through")
            }
            tables.append(try read(name, connection))
        }
        return try ordered(tables)
    }

    private static func read(_ name: String, _ connection: any SQLConnection) throws -> SQLiteTable {
        let info = try connection.query("SELECT name, pk, hidden FROM pragma_table_xinfo($1) ORDER BY cid", .text(name))
        let columns = info.filter { ($0["hidden"].int ?? 0) == 0 }.compactMap { $0["name"].string }
        let primaryKey = info.filter { ($0["pk"].int ?? 0) > 0 }.compactMap { $0["name"].string }
        let keys = try connection.query(
            "SELECT id, \"table\" AS target, \"from\" AS source, \"to\" AS target_column FROM pragma_foreign_key_list($1) ORDER BY id, seq",
            .text(name))
        var references: [Reference] = []
        for (id, parts) in Dictionary(grouping: keys, by: { $0["id"].int ?? 0 }).sorted(by: { $0.key < $1.key }) {
            guard parts.count == 1, let part = parts.first, let target = part["target"].string, let source = part["source"].string else {
                throw BackupError.exportFailed("table \(name) has a foreign key (\(id)) of several columns, which the export cannot order")
            }
            let targetColumn = part["target_column"].string ?? (target == name ? primaryKey.first : nil)
            guard let targetColumn else {
                throw BackupError.exportFailed("table \(name) references \(target) without naming a column")
            }
            references.append(Reference(column: source, table: target, referencedColumn: targetColumn))
        }
        if references.filter({ $0.table == name }).count > 1 {
            throw BackupError.exportFailed("table \(name) references itself more than once, which the export cannot order")
        }
        return SQLiteTable(name: name, columns: columns, references: references)
    }

    /// Referenced tables first (Kahn's algorithm, ties by name); a cycle between tables is an error.
    static func ordered(_ tables: [SQLiteTable]) throws -> [SQLiteTable] {
        let names = Set(tables.map(\.name))
        var pending = tables.sorted { $0.name < $1.name }
        var placed = Set<String>()
        var result: [SQLiteTable] = []
        while !pending.isEmpty {
            guard let index = pending.firstIndex(where: { table in
                table.references.allSatisfy { $0.table == table.name || !names.contains($0.table) || placed.contains($0.table) }
            }) else {
                throw BackupError.exportFailed("tables \(pending.map(\.name).joined(separator: ", ")) reference each other in a cycle")
            }
            let table = pending.remove(at: index)
            placed.insert(table.name)
            result.append(table)
        }
        return result
    }
}
