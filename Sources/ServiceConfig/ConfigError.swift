/// Why the configuration could not be loaded. Start-up stops with this message.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    /// A value that its key does not allow.
    case invalidValue(key: String, value: String, allowed: String, source: ConfigSource)
    /// A YAML file that could not be read or parsed.
    case unreadableFile(path: String, reason: String)
    /// A combination of values that cannot work together.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .invalidValue(let key, let value, let allowed, let source):
            return "invalid configuration: \(key) = \"\(value)\" (from \(source)); allowed: \(allowed)"
        case .unreadableFile(let path, let reason):
            return "cannot read configuration file \(path): \(reason)"
        case .inconsistent(let message):
            return "invalid configuration: \(message)"
        }
    }
}

/// Where a configuration value came from, in order of precedence (highest first).
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    /// A command-line flag; the associated value is the key it set.
    case flag(String)
    case environment(String)
    case file(String)
    case builtInDefault

    public var description: String {
        switch self {
        case .flag: return "command line"
        case .environment(let name): return "environment \(name)"
        case .file(let path): return "file \(path)"
        case .builtInDefault: return "default"
        }
    }
}
