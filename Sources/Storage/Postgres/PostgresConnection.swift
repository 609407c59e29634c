import CLibPQ
import Foundation

/// A blocking libpq connection. Parameters use PostgreSQL's own `$N` syntax and travel in
/// text format; results are read in text format and typed by their column's type OID.
final class PostgresConnection: SQLConnection, @unchecked Sendable {
    private var handle: OpaquePointer?

    /// Connects with a libpq connection string or URI and pins the session to UTC.
    init(url: String, connectTimeoutSeconds: Int = 5) throws {
        let conninfo = Self.withConnectTimeout(url, seconds: connectTimeoutSeconds)
        let handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            throw StorageError.unavailable(Self.firstLine(message))
        }
        self.handle = handle
        try executeScript("SET TIME ZONE 'UTC'; SET client_min_messages = warning;")
    }

    deinit { close() }

    var isHealthy: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    func executeScript(_ sql: String) throws {
        guard let handle else { throw StorageError.closed }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws -> [SQLRow] {
        guard let handle else { throw StorageError.closed }
        let texts: [String?] = bindings.map(Self.text(of:))
        let result = Self.withCStrings(texts) { pointers in
            PQexecParams(handle, sql, Int32(bindings.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, sql: sql)
        guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else { return [] }

        let columns = Self.columns(of: result)
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(PQntuples(result)))
        for row in 0..<PQntuples(result) { rows.append(Self.row(row, of: result, columns: columns)) }
        return rows
    }

    /// In libpq's single-row mode: the server streams the rows and libpq holds one at a time.
    func forEachRow(_ sql: String, _ bindings: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        guard let handle else { throw StorageError.closed }
        let texts: [String?] = bindings.map(Self.text(of:))
        let sent = Self.withCStrings(texts) { pointers in
            PQsendQueryParams(handle, sql, Int32(bindings.count), nil, pointers, nil, nil, 0)
        }
        guard sent == 1 else { throw StorageError.unavailable(Self.firstLine(String(cString: PQerrorMessage(handle)))) }
        PQsetSingleRowMode(handle)
        // Every result must be taken before the connection can run anything else, including
        // after an error (thrown once the stream is drained).
        var failure: (any Error)?
        var columns: [String]?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            guard failure == nil else { continue }
            do {
                try check(result, sql: sql)
                guard PQresultStatus(result) == PGRES_SINGLE_TUPLE else { continue }
                let names = columns ?? Self.columns(of: result)
                columns = names
                try body(Self.row(0, of: result, columns: names))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private static func columns(of result: OpaquePointer) -> [String] {
        (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
    }

    private static func row(_ row: Int32, of result: OpaquePointer, columns: [String]) -> SQLRow {
        let columnCount = PQnfields(result)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(columnCount))
        for column in 0..<columnCount {
            if PQgetisnull(result, row, column) == 1 {
                values.append(.null)
                continue
            }
            let length = Int(PQgetlength(result, row, column))
            let bytes = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
            let text = String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
            values.append(value(text, type: PQftype(result, column)))
        }
        return SQLRow(columns: columns, values: values)
    }

    private func check(_ result: OpaquePointer?, sql: String) throws {
        guard let handle else { throw StorageError.closed }
        guard let result else {
            throw StorageError.unavailable(Self.firstLine(String(cString: PQerrorMessage(handle))))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            return
        default:
            let message = Self.firstLine(String(cString: PQresultErrorMessage(result)))
            if PQstatus(handle) != CONNECTION_OK { throw StorageError.unavailable(message) }
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            // Class 23 is integrity constraint violation.
            if state.hasPrefix("23") { throw StorageError.constraintViolation(message) }
            throw StorageError.queryFailed(message: message, sql: sql)
        }
    }

    private static func text(of value: SQLValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let text): return text
        case .blob(let bytes): return "\\x" + bytes.map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0xf)] }.joined()
        }
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16) }

    /// Types by OID: int2, int4, int8, oid → integer; float4, float8, numeric → real;
    /// bool → integer 0/1; bytea → blob; anything else stays text.
    private static func value(_ text: String, type: Oid) -> SQLValue {
        switch type {
        case 20, 21, 23, 26: return Int64(text).map(SQLValue.integer) ?? .text(text)
        case 700, 701, 1700: return Double(text).map(SQLValue.real) ?? .text(text)
        case 16: return .integer(text == "t" ? 1 : 0)
        case 17: return .blob(decodeHex(text))
        default: return .text(text)
        }
    }

    private static func decodeHex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8.dropFirst(2))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            let pair = String(decoding: digits[index...index + 1], as: UTF8.self)
            bytes.append(UInt8(pair, radix: 16) ?? 0)
            index += 2
        }
        return bytes
    }

    private static func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var storage = strings.map { $0.map { strdup($0) } ?? nil }
        defer { storage.forEach { free($0) } }
        return body(storage.map { $0.map { UnsafePointer($0) } })
    }

    /// Adds `connect_timeout` unless the caller set one, so an unreachable server fails fast.
    static func withConnectTimeout(_ url: String, seconds: Int) -> String {
        if url.contains("connect_timeout") { return url }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return url + (url.contains("?") ? "&" : "?") + "connect_timeout=\(seconds)"
        }
        return url + " connect_timeout=\(seconds)"
    }

    static func firstLine(_ message: String) -> String {
        message.split(separator: "\n").first.map(String.init) ?? message
    }
}
