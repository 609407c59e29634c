import CSQLite3

/// A blocking connection to a SQLite file, set up for WAL with one writer and many readers.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    private(set) var handle: OpaquePointer?
    /// Compiled statements by their SQL as written, kept for reuse: compiling is most of a
    /// short statement's cost, and an import runs one INSERT per entry.
    private var statements: [String: OpaquePointer] = [:]
    /// Past this many, the kept statements are dropped and the cache starts again, so
    /// one-off SQL (searches with their own lists of values) cannot make it grow unbounded.
    static let maxKeptStatements = 64
    /// The page size of a database file this service creates; an existing file keeps its own.
    static let pageSize = 16384

    /// SQLite's process-wide settings, applied once before the first connection opens.
    private static let configured: Void = { _ = csqlite3_disable_memory_statistics() }()

    /// Opens `path` (a file path or a `file:` URI) and applies the service's pragmas.
    init(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int) throws {
        _ = Self.configured
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StorageError.unavailable("cannot open SQLite database \(path): \(message)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, Int32(clamping: busyTimeoutMilliseconds))
        sqlite3_extended_result_codes(handle, 1)
        var pragmas = "PRAGMA foreign_keys = ON;"
        if !readOnly {
            // The page size only takes on a new file (it is fixed once WAL mode is set, just
            // after): entries average ~2.4 KB, and with 4 KB pages one in ten spills to an
            // overflow page. 8 KB pages imported a 300 MB transcript ~15% faster than 4 KB,
            // and 16 KB ~8% faster than 8 KB: half the WAL frames, each two writes.
            // WAL lets readers run beside the single writer; NORMAL sync is durable across
            // process crashes, which is what WAL needs.
            pragmas += "PRAGMA page_size = \(Self.pageSize); PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        }
        try executeScript(pragmas)
    }

    deinit { close() }

    /// WAL frames after this connection's last commit, once
    /// ``countWALFramesInsteadOfCheckpointing()`` was called; 0 before.
    private(set) var walFrames = 0

    /// Turns off SQLite's automatic checkpoint on this connection (a WAL hook replaces it) and
    /// keeps ``walFrames`` instead, for a ``WALCheckpointer`` to act on. Should the WAL still
    /// reach ``WALCheckpointer/ceilingFrames`` (checkpoints falling behind a long import), the
    /// commit checkpoints in place as SQLite's own would, so the WAL stays bounded.
    func countWALFramesInsteadOfCheckpointing() {
        sqlite3_wal_hook(handle, { context, db, name, frames in
            if let context { Unmanaged<SQLiteConnection>.fromOpaque(context).takeUnretainedValue().walFrames = Int(frames) }
            if frames >= WALCheckpointer.ceilingFrames { sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil) }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    var isHealthy: Bool { handle != nil }

    func close() {
        finalizeKeptStatements()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    private func finalizeKeptStatements() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements.removeAll()
    }

    /// The compiled form of `sql`, kept from an earlier call or compiled now.
    private func statement(for sql: String, on handle: OpaquePointer) throws -> OpaquePointer {
        if let kept = statements[sql] { return kept }
        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(handle, Self.numberedParameters(sql), -1, &statement, nil)
        guard prepared == SQLITE_OK, let statement else {
            throw error(status: prepared, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        if statements.count >= Self.maxKeptStatements { finalizeKeptStatements() }
        statements[sql] = statement
        return statement
    }

    func executeScript(_ sql: String) throws {
        guard let handle else { throw StorageError.closed }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw error(status: status, message: message, sql: sql)
        }
    }

    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, bindings) { rows.append($0) }
        return rows
    }

    func forEachRow(_ sql: String, _ bindings: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        guard let handle else { throw StorageError.closed }
        let statement = try statement(for: sql, on: handle)
        // Reset at once: a statement left mid-result would hold its read snapshot open.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try withBindings(bindings, to: statement, sql: sql) {
            // Named after the first step: a kept statement that the schema outdated is compiled
            // again inside it, and `SELECT *` may then have other columns.
            var columns: [String]?
            while true {
                let step = sqlite3_step(statement)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else {
                    throw error(status: step, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
                }
                let names = columns ?? (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
                columns = names
                try body(SQLRow(columns: names, values: names.indices.map { column(statement, Int32($0)) }))
            }
        }
    }

    /// Runs an INSERT of one row and returns the new row's id, or nil when the row was not
    /// inserted (`ON CONFLICT … DO NOTHING`). Not `RETURNING`: SQLite runs that clause like a
    /// trigger, and so journals every page the statement touches in case it must undo it
    /// (8.5 GB of temporary writes for a 300 MB transcript, against 2.2 GB without).
    @discardableResult
    func insertRow(_ sql: String, _ bindings: [SQLValue]) throws -> Int64? {
        try forEachRow(sql, bindings) { _ in }
        return sqlite3_changes(handle) > 0 ? sqlite3_last_insert_rowid(handle) : nil
    }

    /// Binds parameter N to `bindings[N - 1]` (the SQL says `?N` once rewritten) and runs
    /// `body` while they are bound. Text and blobs are bound where they lie, not copied
    /// (`SQLITE_STATIC`): each is bound inside the closure that holds it in place, and `body`
    /// runs inside the last. An import binds ~1.5 times its transcript's size in text.
    private func withBindings<T>(_ bindings: [SQLValue], to statement: OpaquePointer, sql: String, _ body: () throws -> T) throws -> T {
        let count = Int(sqlite3_bind_parameter_count(statement))
        guard count <= bindings.count else {
            throw StorageError.queryFailed(message: "parameter \(count) has no value", sql: sql)
        }
        func check(_ status: Int32, _ position: Int) throws {
            guard status == SQLITE_OK else { throw StorageError.queryFailed(message: "cannot bind parameter \(position)", sql: sql) }
        }
        func bind(from position: Int) throws -> T {
            guard position <= count else { return try body() }
            let index = Int32(position)
            switch bindings[position - 1] {
            case .null: try check(sqlite3_bind_null(statement, index), position)
            case .integer(let value): try check(sqlite3_bind_int64(statement, index, value), position)
            case .real(let value): try check(sqlite3_bind_double(statement, index, value), position)
            case .text(var value):
                // With its length: a NUL inside the text (JSON's `\u0000`) would end it early.
                // An empty buffer may have no address, which would bind NULL instead of ''.
                guard !value.isEmpty else {
                    try check(sqlite3_bind_text(statement, index, "", 0, csqlite3_transient()), position)
                    break
                }
                return try value.withUTF8 { bytes in
                    try check(bytes.withMemoryRebound(to: CChar.self) {
                        sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), nil)
                    }, position)
                    return try bind(from: position + 1)
                }
            case .blob(let bytes):
                return try bytes.withUnsafeBytes { raw in
                    try check(sqlite3_bind_blob(statement, index, raw.baseAddress, Int32(raw.count), nil), position)
                    return try bind(from: position + 1)
                }
            }
            return try bind(from: position + 1)
        }
        return try bind(from: 1)
    }

    /// The SQL with PostgreSQL's `$N` parameters written for SQLite, outside quotes and
    /// comments, so SQL text is shared by both backends: as `?` when they run `$1, $2, …` in
    /// order (as in multi-row inserts), else as `?N`. SQLite looks up every `?N` and `$name`
    /// in a list of all parameters while compiling, which made large inserts quadratic; a
    /// bare `?` costs nothing.
    static func numberedParameters(_ sql: String) -> String {
        var bytes = Array(sql.utf8)
        var parameters: [(at: Int, digits: Int, number: Int)] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let quote = bytes[index]
                index += 1
                while index < bytes.count && bytes[index] != quote { index += 1 }
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index += 2
                while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                index += 1
            case UInt8(ascii: "$"):
                var end = index + 1
                var number = 0
                while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
                    number = number * 10 + Int(bytes[end] - UInt8(ascii: "0"))
                    end += 1
                }
                if end > index + 1 { parameters.append((index, end - index - 1, number)) }
                index = end - 1
            default:
                break
            }
            index += 1
        }
        guard !parameters.isEmpty else { return sql }
        let inOrder = parameters.enumerated().allSatisfy { $0.element.number == $0.offset + 1 }
        for parameter in parameters.reversed() {
            bytes[parameter.at] = UInt8(ascii: "?")
            if inOrder { bytes.removeSubrange((parameter.at + 1)...(parameter.at + parameter.digits)) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            let length = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite3_column_bytes(statement, index))
            guard let bytes = sqlite3_column_blob(statement, index), length > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default: return .null
        }
    }

    private func error(status: Int32, message: String, sql: String) -> StorageError {
        switch status & 0xff {
        case SQLITE_CONSTRAINT: return .constraintViolation(message)
        case SQLITE_BUSY, SQLITE_LOCKED: return .unavailable("database is locked: \(message)")
        case SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY:
            return .unavailable(message)
        default: return .queryFailed(message: message, sql: sql)
        }
    }
}
