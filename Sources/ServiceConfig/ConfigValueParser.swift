import Foundation

/// Turns the text of a setting into a typed value, or says why it cannot.
enum ConfigValueParser {
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: return nil
        }
    }

    /// Parses `250ms`, `30s`, `5m`, `24h`, `7d` or a plain number of seconds.
    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return .milliseconds(Int64((value * unit.seconds * 1000).rounded()))
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Parses `GET /api/sessions/search=600,POST /api/sessions=30`; nil if any item is malformed.
    static func endpointLimits(_ text: String) -> [AppConfig.EndpointLimit]? {
        var limits: [AppConfig.EndpointLimit] = []
        for item in list(text) {
            guard let equals = item.lastIndex(of: "="),
                  let perMinute = Int(item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)),
                  (1...AppConfig.EndpointLimit.maximumPerMinute).contains(perMinute) else { return nil }
            let route = item[..<equals].split(separator: " ", omittingEmptySubsequences: true)
            guard route.count == 2, AppConfig.EndpointLimit.methods.contains(route[0].uppercased()),
                  route[1].hasPrefix("/") else { return nil }
            limits.append(.init(method: route[0].uppercased(), path: String(route[1]), perMinute: perMinute))
        }
        return limits
    }

    /// Checks `text` against the key's kind; returns nil when it is allowed.
    static func isValid(_ text: String, for key: ConfigKey) -> Bool {
        switch key.kind {
        case .string, .list: return true
        case .integer(let range):
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { return false }
            return range.contains(value)
        case .boolean: return boolean(text) != nil
        case .duration: return duration(text) != nil
        case .choice(let options): return options.contains(text.lowercased())
        case .endpointLimits: return endpointLimits(text) != nil
        }
    }
}
