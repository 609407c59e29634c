import ServiceConfig
import Transcript

/// What the summary level needs from the configuration.
struct SummarySettings: Sendable {
    /// Model per preset (`fast`, `balanced`).
    var presets: [String: String]
    var defaultPreset: String
    var maxContext: Int
    /// How long a request waits for its summary before answering 202.
    var wait: Duration
    var lease: Duration
    var pollInterval: Duration
    /// Whether stored and posted transcripts are redacted (part of a posted content's key).
    var redact: Bool

    init(_ config: AppConfig) {
        presets = config.ollama.presets
        defaultPreset = config.ollama.defaultPreset
        maxContext = config.ollama.maxContext
        // The answer must leave before the handler timeout turns it into a 503.
        let ceiling = max(.zero, config.server.writeTimeout - .seconds(2))
        wait = min(config.ollama.summaryWait, ceiling)
        lease = config.jobs.lease
        pollInterval = config.jobs.pollInterval
        redact = config.ingest.redactSecrets
    }
}
