/// Typed access to validated setting texts, and the assembly of ``AppConfig`` from them.
public struct ResolvedValues: Sendable {
    public let values: [String: ResolvedValue]

    func text(_ path: String) -> String { values[path]?.text ?? ConfigKey.byPath[path]?.defaultValue ?? "" }
    func int(_ path: String) -> Int { Int(text(path).trimmingCharacters(in: .whitespaces)) ?? 0 }
    func bool(_ path: String) -> Bool { ConfigValueParser.boolean(text(path)) ?? false }
    func duration(_ path: String) -> Duration { ConfigValueParser.duration(text(path)) ?? .zero }
    func list(_ path: String) -> [String] { ConfigValueParser.list(text(path)) }
    func optional(_ path: String) -> String? { text(path).isEmpty ? nil : text(path) }

    func makeConfig() throws -> AppConfig {
        let databaseType = AppConfig.DatabaseType(rawValue: text("database.type").lowercased()) ?? .sqlite
        if databaseType == .postgres && text("database.url").isEmpty {
            throw ConfigError.inconsistent("database.type is postgres but database.url (DATABASE_URL) is empty")
        }
        return AppConfig(
            server: .init(
                host: text("server.host"),
                port: int("server.port"),
                readTimeout: duration("server.read_timeout"),
                writeTimeout: duration("server.write_timeout"),
                idleTimeout: duration("server.idle_timeout"),
                maxBodyBytes: int("server.max_body_size_mb") * 1024 * 1024,
                shutdownTimeout: duration("server.shutdown_timeout")
            ),
            database: .init(
                type: databaseType,
                path: text("database.path"),
                url: text("database.url"),
                poolSize: int("database.pool_size"),
                autoMigrate: bool("database.auto_migrate"),
                migrationsDirectory: text("database.migrations_dir"),
                busyTimeout: duration("database.busy_timeout"),
                backupPath: text("database.backup_path"),
                autoBackup: bool("database.auto_backup"),
                backupInterval: duration("database.backup_interval"),
                maxBackups: int("database.max_backups")
            ),
            ingest: .init(
                redactSecrets: bool("ingest.redact_secrets"),
                maxLineBytes: int("ingest.max_line_size_mb") * 1024 * 1024
            ),
            ollama: .init(
                enabled: bool("ollama.enabled") && !text("ollama.host").isEmpty,
                baseURL: ollamaBaseURL(),
                timeout: duration("ollama.timeout"),
                retryAttempts: int("ollama.retry_attempts"),
                retryDelay: duration("ollama.retry_delay"),
                presets: ["fast": text("ollama.models.fast"), "balanced": text("ollama.models.balanced")],
                defaultPreset: text("ollama.default_preset").lowercased(),
                maxContext: int("ollama.max_context"),
                summaryWait: duration("ollama.summary_wait")
            ),
            jobs: .init(
                lease: max(duration("jobs.lease"), .milliseconds(100)),
                pollInterval: max(duration("jobs.poll_interval"), .milliseconds(10))
            ),
            security: .init(
                apiKeyEnabled: bool("security.api_key_enabled"),
                adminAPIKey: optional("security.admin_api_key"),
                adminAPIKeyFile: optional("security.admin_api_key_file"),
                metricsRequireKey: bool("security.metrics_require_key"),
                corsEnabled: bool("security.cors_enabled"),
                corsAllowedOrigins: list("security.cors_allowed_origins"),
                rateLimiting: .init(
                    enabled: bool("security.rate_limiting.enabled"),
                    defaultPerMinute: int("security.rate_limiting.default_rate_limit"),
                    burst: int("security.rate_limiting.burst_limit"),
                    globalPerMinute: int("security.rate_limiting.global_rate_limit"),
                    endpoints: ConfigValueParser.endpointLimits(text("security.rate_limiting.endpoint_limits")) ?? []
                )
            ),
            cache: .init(
                enabled: bool("cache.enabled"),
                sizeBytes: int("cache.size_mb") * 1024 * 1024,
                ttl: duration("cache.ttl")
            ),
            redisURL: optional("redis.url"),
            redisKeyPrefix: text("redis.key_prefix"),
            monitoring: .init(
                logLevel: text("monitoring.log_level").lowercased(),
                logFormat: text("monitoring.log_format").lowercased(),
                metricsEnabled: bool("monitoring.metrics_enabled"),
                healthCheckInterval: duration("monitoring.health_check_interval")
            )
        )
    }

    /// `OLLAMA_HOST` may be a bare host (Ollama's own convention allows `host:port` or a URL too).
    private func ollamaBaseURL() -> String {
        let host = text("ollama.host").trimmingCharacters(in: .whitespaces)
        if host.hasPrefix("http://") || host.hasPrefix("https://") {
            return host.hasSuffix("/") ? String(host.dropLast()) : host
        }
        if host.contains(":") && !host.hasPrefix("[") { return "http://\(host)" }
        return "http://\(host):\(int("ollama.port"))"
    }
}
