/// One configuration setting: where it is read from, its default, and what values it allows.
///
/// Every setting of the service is listed once in ``ConfigKey/all``; the loader, `cci config`
/// and `docs/configuration.md` all follow that list.
public struct ConfigKey: Sendable, Hashable {
    /// The kind of value a key holds, which decides how it is parsed and validated.
    public enum Kind: Sendable, Hashable {
        case string
        case integer(ClosedRange<Int>)
        case boolean
        /// A duration such as `30s`, `5m`, `24h`, `250ms`, or a plain number of seconds.
        case duration
        case choice([String])
        /// A comma-separated list in the environment, a YAML sequence in the file.
        case list
        /// A list of `METHOD /route/template=N`: a request budget per minute per route.
        case endpointLimits

        /// Whether a YAML sequence is read as this key's value.
        var isList: Bool {
            switch self {
            case .list, .endpointLimits: true
            default: false
            }
        }
    }

    /// The dotted path in the YAML file, e.g. `server.port`.
    public let path: String
    /// The environment variable, if the setting has one.
    public let environment: String?
    public let kind: Kind
    /// The built-in default, written as it would be in the environment.
    public let defaultValue: String
    /// Secrets are masked when the configuration is printed.
    public let isSecret: Bool
    public let summary: String

    public init(
        _ path: String, env: String? = nil, _ kind: Kind, default defaultValue: String,
        secret: Bool = false, _ summary: String
    ) {
        self.path = path
        self.environment = env
        self.kind = kind
        self.defaultValue = defaultValue
        self.isSecret = secret
        self.summary = summary
    }

    /// A short description of the allowed values, used in error messages and docs.
    public var allowedValues: String {
        switch kind {
        case .string: return "a string"
        case .integer(let range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .boolean: return "true or false"
        case .duration: return "a duration such as 250ms, 30s, 5m or 24h"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .list: return "a list (comma-separated in the environment)"
        case .endpointLimits: return "a list of `METHOD /route/template=N` (comma-separated in the environment), N from 1 to 1000000"
        }
    }
}
