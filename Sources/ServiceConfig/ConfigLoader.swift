import Foundation
import Yams

/// Reads the configuration with the precedence flag > environment > YAML file > default.
///
/// The YAML file is `--config`, else `CONFIG_FILE`, else `configs/config.yaml` when it exists.
/// Every value is validated; the first invalid one stops loading with a message naming the key,
/// the value, where it came from and what is allowed. Unknown YAML keys become warnings.
public struct ConfigLoader: Sendable {
    public var flags: [String: String]
    public var environment: [String: String]
    public var configFile: String?

    /// - Parameters:
    ///   - flags: values given on the command line, by YAML path (e.g. `server.port`).
    ///   - environment: the process environment.
    ///   - configFile: the `--config` path, if given.
    public init(flags: [String: String] = [:], environment: [String: String], configFile: String? = nil) {
        self.flags = flags
        self.environment = environment
        self.configFile = configFile
    }

    public func load() throws -> LoadedConfig {
        let (fileValues, filePath, warnings) = try readFile()
        var resolved: [String: ResolvedValue] = [:]
        for key in ConfigKey.all {
            let value = resolve(key, fileValues: fileValues, filePath: filePath)
            guard ConfigValueParser.isValid(value.text, for: key) else {
                throw ConfigError.invalidValue(key: key.path, value: value.text, allowed: key.allowedValues, source: value.source)
            }
            resolved[key.path] = value
        }
        let values = ResolvedValues(values: resolved)
        return LoadedConfig(config: try values.makeConfig(), values: values, file: filePath, warnings: warnings)
    }

    private func resolve(_ key: ConfigKey, fileValues: [String: String], filePath: String?) -> ResolvedValue {
        if let text = flags[key.path] { return ResolvedValue(text: text, source: .flag(key.path)) }
        if let name = key.environment, let text = environment[name] {
            return ResolvedValue(text: text, source: .environment(name))
        }
        if let text = fileValues[key.path], let filePath { return ResolvedValue(text: text, source: .file(filePath)) }
        return ResolvedValue(text: key.defaultValue, source: .builtInDefault)
    }

    /// The file's values flattened to dotted paths, the path read, and warnings for unknown keys.
    private func readFile() throws -> ([String: String], String?, [String]) {
        let explicit = configFile ?? environment["CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let path = explicit ?? "configs/config.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit != nil { throw ConfigError.unreadableFile(path: path, reason: "no such file") }
            return ([:], nil, [])
        }
        // FileHandle rather than String(contentsOfFile:) so that /dev/null works as "no settings".
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError.unreadableFile(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() ?? Data(), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.unreadableFile(path: path, reason: "not readable UTF-8 text")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw ConfigError.unreadableFile(path: path, reason: "\(error)")
        }
        guard let document else { return ([:], path, []) }
        guard let root = document as? [String: Any] else {
            throw ConfigError.unreadableFile(path: path, reason: "the top level must be a mapping")
        }
        var values: [String: String] = [:]
        var warnings: [String] = []
        flatten(root, prefix: "", into: &values, warnings: &warnings, file: path)
        return (values, path, warnings)
    }

    private func flatten(
        _ node: [String: Any], prefix: String, into values: inout [String: String], warnings: inout [String], file: String
    ) {
        for (name, child) in node.sorted(by: { $0.key < $1.key }) {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            if let key = ConfigKey.byPath[path] {
                if key.kind.isList, let items = child as? [Any] {
                    values[path] = items.map { "\($0)" }.joined(separator: ",")
                } else if child is [String: Any] || child is [Any] {
                    warnings.append("\(file): \(path) should be a single value; ignored")
                } else {
                    values[path] = "\(child)"
                }
            } else if let mapping = child as? [String: Any] {
                flatten(mapping, prefix: path, into: &values, warnings: &warnings, file: file)
            } else {
                warnings.append("\(file): unknown key \(path) ignored")
            }
        }
    }
}

/// One setting's text and where it came from.
public struct ResolvedValue: Sendable, Equatable {
    public let text: String
    public let source: ConfigSource
}

/// The outcome of loading: the typed configuration and what each key resolved to.
public struct LoadedConfig: Sendable {
    public let config: AppConfig
    public let values: ResolvedValues
    /// The YAML file that was read, if any.
    public let file: String?
    /// Unknown or misplaced YAML keys; start-up logs them.
    public let warnings: [String]

    /// Lines `key = value  (source)` for every key, with secrets masked.
    public func describe() -> [String] {
        ConfigKey.all.map { key in
            let value = values.values[key.path] ?? ResolvedValue(text: key.defaultValue, source: .builtInDefault)
            let shown = key.isSecret ? Self.mask(value.text) : value.text
            return "\(key.path) = \(shown)  (\(value.source))"
        }
    }

    /// Masks a secret; in a URL only the password is hidden so the host stays readable.
    static func mask(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        if let schemeEnd = text.range(of: "://"), let at = text.range(of: "@", range: schemeEnd.upperBound..<text.endIndex) {
            let credentials = text[schemeEnd.upperBound..<at.lowerBound]
            if let colon = credentials.firstIndex(of: ":") {
                return String(text[..<text.index(after: colon)]) + "****" + String(text[at.lowerBound...])
            }
            return text
        }
        if text.contains("password=") {
            return text.replacingOccurrences(of: #"password=\S*"#, with: "password=****", options: .regularExpression)
        }
        return "****"
    }
}
