/// The reference table of settings that `docs/configuration.md` carries.
public enum ConfigReference {
    public static func markdownTable() -> String {
        var lines = [
            "| YAML key | Environment variable | Default | Allowed | Meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        for key in ConfigKey.all {
            let env = key.environment.map { "`\($0)`" } ?? ""
            let value = key.defaultValue.isEmpty ? "(empty)" : "`\(key.defaultValue)`"
            let secret = key.isSecret ? " Secret: masked by `cci config`." : ""
            lines.append("| `\(key.path)` | \(env) | \(value) | \(key.allowedValues) | \(key.summary)\(secret) |")
        }
        return lines.joined(separator: "\n")
    }
}
