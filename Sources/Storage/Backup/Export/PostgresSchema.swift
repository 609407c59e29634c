/// The tables and columns PostgreSQL has after the `migrations/postgres` files run, read
/// from their DDL: what the export from SQLite needs to write each value in the form
/// PostgreSQL's `COPY` expects, to leave out generated columns, and to reset identity
/// sequences. Understands `CREATE TABLE`, `ALTER TABLE ... ADD/DROP/RENAME/ALTER COLUMN`,
/// `ALTER TABLE ... RENAME TO` and `DROP TABLE`; other statements do not change columns.
struct PostgresSchema: Equatable {
    struct Column: Equatable {
        var name: String
        /// The declared type in lower case with single spaces, e.g. `boolean`, `timestamptz`.
        var type: String
        /// `GENERATED ALWAYS AS (...) STORED`: computed by PostgreSQL, never copied in.
        var isGenerated = false
        /// An identity or serial column, whose sequence must be moved past the copied values.
        var isIdentity = false

        var isBoolean: Bool { type == "boolean" || type == "bool" }
        var isBytea: Bool { type == "bytea" }
        var isTimestamp: Bool { type.hasPrefix("timestamp") || type == "date" }
    }

    /// Columns by table, in declaration order.
    private(set) var tables: [String: [Column]] = [:]

    init(migrations: [MigrationFile]) {
        for file in migrations {
            for statement in SQLToken.statements(file.sql) { apply(statement) }
        }
    }

    init(sql: String) {
        for statement in SQLToken.statements(sql) { apply(statement) }
    }

    func column(_ table: String, _ name: String) -> Column? {
        tables[table]?.first { $0.name == name }
    }

    private static let constraintKeywords: Set<String> = ["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE", "LIKE"]
    private static let typeEnd: Set<String> = [
        "NOT", "NULL", "DEFAULT", "PRIMARY", "REFERENCES", "GENERATED", "UNIQUE", "CHECK", "CONSTRAINT", "COLLATE",
    ]

    private mutating func apply(_ tokens: [SQLToken]) {
        var cursor = Cursor(tokens: tokens[...])
        if cursor.take("CREATE") {
            _ = cursor.take("UNLOGGED") || cursor.take("TEMP") || cursor.take("TEMPORARY")
            guard cursor.take("TABLE") else { return }
            _ = cursor.take("IF", "NOT", "EXISTS")
            guard let table = cursor.next()?.identifier, cursor.next() == .open else { return }
            var depth = 0
            let body = cursor.rest.prefix { token in
                if token == .open { depth += 1 }
                if token == .close { depth -= 1 }
                return depth >= 0
            }
            tables[table] = SQLToken.splitAtTopLevelCommas(body).compactMap(Self.column)
        } else if cursor.take("ALTER", "TABLE") {
            _ = cursor.take("IF", "EXISTS")
            _ = cursor.take("ONLY")
            guard let table = cursor.next()?.identifier else { return }
            for action in SQLToken.splitAtTopLevelCommas(cursor.rest) { alter(table, action) }
        } else if cursor.take("DROP", "TABLE") {
            _ = cursor.take("IF", "EXISTS")
            for part in SQLToken.splitAtTopLevelCommas(cursor.rest) {
                if let name = part.first?.identifier { tables[name] = nil }
            }
        }
    }

    private mutating func alter(_ table: String, _ action: ArraySlice<SQLToken>) {
        var cursor = Cursor(tokens: action)
        if cursor.take("ADD") {
            if let keyword = cursor.peek?.keyword, Self.constraintKeywords.contains(keyword) { return }
            _ = cursor.take("COLUMN")
            _ = cursor.take("IF", "NOT", "EXISTS")
            if let column = Self.column(cursor.rest) { tables[table, default: []].append(column) }
        } else if cursor.take("DROP") {
            if cursor.peek?.keyword == "CONSTRAINT" { return }
            _ = cursor.take("COLUMN")
            _ = cursor.take("IF", "EXISTS")
            if let name = cursor.next()?.identifier { tables[table]?.removeAll { $0.name == name } }
        } else if cursor.take("RENAME") {
            if cursor.take("TO") {
                if let name = cursor.next()?.identifier { tables[name] = tables.removeValue(forKey: table) }
                return
            }
            if cursor.peek?.keyword == "CONSTRAINT" { return }
            _ = cursor.take("COLUMN")
            guard let old = cursor.next()?.identifier, cursor.take("TO"), let new = cursor.next()?.identifier,
                  let index = tables[table]?.firstIndex(where: { $0.name == old }) else { return }
            tables[table]?[index].name = new
        } else if cursor.take("ALTER") {
            _ = cursor.take("COLUMN")
            guard let name = cursor.next()?.identifier else { return }
            _ = cursor.take("SET", "DATA")
            guard cursor.take("TYPE"), let index = tables[table]?.firstIndex(where: { $0.name == name }) else { return }
            tables[table]?[index].type = Self.typeName(cursor.rest.prefix { !["USING", "COLLATE"].contains($0.keyword ?? "") })
        }
    }

    /// A column definition, or nil for a table constraint.
    private static func column(_ tokens: ArraySlice<SQLToken>) -> Column? {
        guard let first = tokens.first, let name = first.identifier else { return nil }
        if case .word = first, let keyword = first.keyword, constraintKeywords.contains(keyword) { return nil }
        let rest = tokens.dropFirst()
        let typeTokens = rest.prefix { !typeEnd.contains($0.keyword ?? "") }
        let keywords = rest.compactMap(\.keyword)
        let type = typeName(typeTokens)
        var column = Column(name: name, type: type)
        if let generated = keywords.firstIndex(of: "GENERATED") {
            let tail = keywords[generated...]
            column.isIdentity = tail.contains("IDENTITY")
            column.isGenerated = !column.isIdentity
        }
        if ["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"].contains(type) {
            column.isIdentity = true
        }
        return column
    }

    private static func typeName(_ tokens: ArraySlice<SQLToken>) -> String {
        let words = tokens.compactMap { token -> String? in
            if case .word(let text) = token { return text.lowercased() }
            return nil
        }
        let joined = words.joined(separator: " ")
        switch joined {
        case "timestamp with time zone": return "timestamptz"
        case "timestamp without time zone": return "timestamp"
        default: return joined
        }
    }

    /// Reads tokens from the front.
    private struct Cursor {
        var tokens: ArraySlice<SQLToken>

        var peek: SQLToken? { tokens.first }
        var rest: ArraySlice<SQLToken> { tokens }

        mutating func next() -> SQLToken? { tokens.popFirst() }

        /// Consumes the keywords when they come next, all of them; otherwise consumes nothing.
        mutating func take(_ keywords: String...) -> Bool {
            let upcoming = tokens.prefix(keywords.count).map(\.keyword)
            guard upcoming == keywords.map(Optional.some) else { return false }
            tokens.removeFirst(keywords.count)
            return true
        }
    }
}
