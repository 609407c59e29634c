import Foundation
import Hummingbird
import HummingbirdCore
import Storage

/// Query-string parameters with errors that name the parameter.
struct QueryParameters {
    let uri: URI

    func string(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>, clamp: Bool = false) throws -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text) else { throw APIError.badRequest("\(name) must be an integer") }
        if clamp { return min(max(value, range.lowerBound), range.upperBound) }
        guard range.contains(value) else {
            throw APIError.badRequest("\(name) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badRequest("\(name) must be true or false")
        }
    }

    /// An ISO-8601 time (`2026-01-02T03:04:05Z`) or date (`2026-01-02`, the start of the
    /// day, or its end when `endOfDay`), returned in the stored form.
    func timestamp(_ name: String, endOfDay: Bool = false) throws -> String? {
        guard let text = string(name) else { return nil }
        if let date = Timestamp.parse(text) { return Timestamp.format(date) }
        let dayOnly = text.count == 10 ? Timestamp.parse(text + "T00:00:00Z") : nil
        guard let day = dayOnly else {
            throw APIError.badRequest("\(name) must be an ISO-8601 date or time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z")
        }
        return Timestamp.format(endOfDay ? day.addingTimeInterval(86_399.999) : day)
    }

    func list(_ name: String) -> [String]? {
        string(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}
