import CLibPQ

/// A libpq connection string or URI taken apart by libpq itself, so that the PostgreSQL
/// command-line tools get the same connection without the password on their command line
/// (where `ps` would show it): the password travels in `PGPASSWORD`.
struct PostgresConnectionInfo: Sendable, Equatable {
    /// Keyword/value pairs the string sets, in libpq's order, password excluded.
    let parameters: [(String, String)]
    let password: String?

    /// Parses with `PQconninfoParse`; throws when libpq rejects the string (the message
    /// never repeats the string, which may hold a password).
    init(_ url: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(errorMessage)
            throw StorageError.unavailable("the PostgreSQL connection string cannot be parsed: "
                + PostgresConnection.firstLine(message))
        }
        defer { PQconninfoFree(options) }
        var parameters: [(String, String)] = []
        var password: String?
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let name = String(cString: keyword)
                if name == "password" { password = String(cString: value) } else { parameters.append((name, String(cString: value))) }
            }
            option += 1
        }
        if !parameters.contains(where: { $0.0 == "connect_timeout" }) { parameters.append(("connect_timeout", "10")) }
        self.parameters = parameters
        self.password = password
    }

    /// `key='value' ...` for a tool's `--dbname`, quoted as libpq expects; no password.
    var conninfo: String {
        parameters.map { key, value in
            key + "='" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }.joined(separator: " ")
    }

    /// The variables a tool's environment needs besides `--dbname`.
    var environment: [String: String] {
        password.map { ["PGPASSWORD": $0] } ?? [:]
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.conninfo == rhs.conninfo && lhs.password == rhs.password
    }
}
