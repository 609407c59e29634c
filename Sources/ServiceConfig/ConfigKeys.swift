extension ConfigKey {
    /// Every setting of the service, in the order `cci config` and the docs show them.
    public static let all: [ConfigKey] = [
        // server
        ConfigKey("server.host", env: "SERVER_HOST", .string, default: "0.0.0.0", "Address to listen on."),
        ConfigKey("server.port", env: "SERVER_PORT", .integer(0...65535), default: "8080", "Port to listen on (0 picks a free port)."),
        ConfigKey("server.read_timeout", env: "SERVER_READ_TIMEOUT", .duration, default: "30s",
                  "Deadline for a request body to arrive in full; later bodies fail with 408."),
        ConfigKey("server.write_timeout", env: "SERVER_WRITE_TIMEOUT", .duration, default: "60s",
                  "Longest time a handler may take before the request fails with 503."),
        ConfigKey("server.idle_timeout", env: "SERVER_IDLE_TIMEOUT", .duration, default: "120s",
                  "Idle keep-alive connections are closed after this long."),
        ConfigKey("server.max_body_size_mb", env: "SERVER_MAX_BODY_SIZE_MB", .integer(1...4096), default: "64",
                  "Largest request body accepted; larger ones get 413 before they are read."),
        ConfigKey("server.shutdown_timeout", env: "SERVER_SHUTDOWN_TIMEOUT", .duration, default: "30s",
                  "On SIGTERM, how long in-flight requests may take to finish."),

        // database
        ConfigKey("database.type", env: "DATABASE_TYPE", .choice(["sqlite", "postgres"]), default: "sqlite",
                  "Storage backend."),
        ConfigKey("database.path", env: "DATABASE_PATH", .string, default: "./data/claude_code.db",
                  "SQLite database file."),
        ConfigKey("database.url", env: "DATABASE_URL", .string, default: "", secret: true,
                  "PostgreSQL connection string or URI (libpq), e.g. postgresql://user:pass@host:5432/db."),
        ConfigKey("database.pool_size", env: "DATABASE_POOL_SIZE", .integer(1...256), default: "8",
                  "Connections per pool; each has its own thread for blocking calls."),
        ConfigKey("database.auto_migrate", env: "DATABASE_AUTO_MIGRATE", .boolean, default: "false",
                  "On PostgreSQL, apply pending migrations at start (SQLite always migrates)."),
        ConfigKey("database.migrations_dir", env: "DATABASE_MIGRATIONS_DIR", .string, default: "./migrations",
                  "Folder holding migrations/sqlite and migrations/postgres."),
        ConfigKey("database.busy_timeout", env: "DATABASE_BUSY_TIMEOUT", .duration, default: "5s",
                  "SQLite: how long a writer waits for a lock."),
        ConfigKey("database.backup_path", env: "DATABASE_BACKUP_PATH", .string, default: "./data/backups",
                  "Folder for backups."),
        ConfigKey("database.auto_backup", env: "DATABASE_AUTO_BACKUP", .boolean, default: "true",
                  "Take automatic backups every backup_interval."),
        ConfigKey("database.backup_interval", env: "DATABASE_BACKUP_INTERVAL", .duration, default: "24h",
                  "Time between automatic backups."),
        ConfigKey("database.max_backups", env: "DATABASE_MAX_BACKUPS", .integer(1...10000), default: "7",
                  "Automatic backups kept; manual ones are kept until deleted."),

        // ingest
        ConfigKey("ingest.redact_secrets", env: "INGEST_REDACT_SECRETS", .boolean, default: "true",
                  "Mask keys, tokens and passwords in everything stored, raw lines included."),
        ConfigKey("ingest.max_line_size_mb", env: "INGEST_MAX_LINE_SIZE_MB", .integer(1...1024), default: "16",
                  "Longest single transcript line accepted; longer ones get 413."),

        // ollama
        ConfigKey("ollama.enabled", env: "OLLAMA_ENABLED", .boolean, default: "true",
                  "Use Ollama for LLM work; without it the deterministic levels still work."),
        ConfigKey("ollama.host", env: "OLLAMA_HOST", .string, default: "localhost",
                  "Ollama host name, or a full URL such as http://ollama:11434."),
        ConfigKey("ollama.port", env: "OLLAMA_PORT", .integer(1...65535), default: "11434", "Ollama port."),
        ConfigKey("ollama.timeout", env: "OLLAMA_TIMEOUT", .duration, default: "120s",
                  "Longest wait for one Ollama request."),
        ConfigKey("ollama.retry_attempts", env: "OLLAMA_RETRY_ATTEMPTS", .integer(0...10), default: "2",
                  "Retries of a failed idempotent Ollama request."),
        ConfigKey("ollama.retry_delay", env: "OLLAMA_RETRY_DELAY", .duration, default: "1s", "Pause between retries."),
        ConfigKey("ollama.models.fast", env: "OLLAMA_MODEL_FAST", .string, default: "llama3.2:3b",
                  "Model of the `fast` preset."),
        ConfigKey("ollama.models.balanced", env: "OLLAMA_MODEL_BALANCED", .string, default: "llama3.1:8b",
                  "Model of the `balanced` preset."),
        ConfigKey("ollama.default_preset", env: "OLLAMA_DEFAULT_PRESET", .choice(["fast", "balanced"]),
                  default: "balanced", "Preset used when a request names none."),

        // security
        ConfigKey("security.api_key_enabled", env: "API_KEY_ENABLED", .boolean, default: "true",
                  "Require an X-API-Key on /api routes."),
        ConfigKey("security.admin_api_key", env: "ADMIN_API_KEY", .string, default: "", secret: true,
                  "Admin key to install instead of generating one on first start."),
        ConfigKey("security.admin_api_key_file", env: "ADMIN_API_KEY_FILE", .string, default: "",
                  "File holding the admin key (for Kubernetes secrets)."),
        ConfigKey("security.metrics_require_key", env: "METRICS_REQUIRE_KEY", .boolean, default: "false",
                  "Require an API key for /metrics."),
        ConfigKey("security.cors_enabled", env: "CORS_ENABLED", .boolean, default: "false", "Answer CORS requests."),
        ConfigKey("security.cors_allowed_origins", env: "CORS_ALLOWED_ORIGINS", .list, default: "",
                  "Origins allowed by CORS; `*` allows any."),
        ConfigKey("security.rate_limiting.enabled", env: "RATE_LIMIT_ENABLED", .boolean, default: "true",
                  "Apply rate limits."),
        ConfigKey("security.rate_limiting.default_rate_limit", env: "DEFAULT_RATE_LIMIT", .integer(1...1_000_000),
                  default: "100", "Requests per minute for a key without its own limit."),
        ConfigKey("security.rate_limiting.burst_limit", env: "RATE_LIMIT_BURST", .integer(1...1_000_000),
                  default: "20", "Requests a client may make at once above its steady rate."),
        ConfigKey("security.rate_limiting.global_rate_limit", env: "GLOBAL_RATE_LIMIT", .integer(1...100_000_000),
                  default: "6000", "Requests per minute across all clients."),

        // cache
        ConfigKey("cache.enabled", env: "CACHE_ENABLED", .boolean, default: "true", "Cache reads."),
        ConfigKey("cache.size_mb", env: "CACHE_SIZE_MB", .integer(1...65536), default: "100",
                  "In-process cache size."),
        ConfigKey("cache.ttl", env: "CACHE_TTL", .duration, default: "5m", "Lifetime of a cached answer."),
        ConfigKey("redis.url", env: "REDIS_URL", .string, default: "", secret: true,
                  "Redis for shared rate limits and cache, e.g. redis://:pass@redis:6379/0; empty for in-process."),

        // monitoring
        ConfigKey("monitoring.log_level", env: "LOG_LEVEL", .choice(["trace", "debug", "info", "warn", "error"]),
                  default: "info", "Lowest level logged."),
        ConfigKey("monitoring.log_format", env: "LOG_FORMAT", .choice(["json", "text"]), default: "json",
                  "JSON lines for machines, text for people."),
        ConfigKey("monitoring.metrics_enabled", env: "METRICS_ENABLED", .boolean, default: "true",
                  "Serve Prometheus metrics at /metrics."),
        ConfigKey("monitoring.health_check_interval", env: "HEALTH_CHECK_INTERVAL", .duration, default: "30s",
                  "How often component health (database, Redis, Ollama) is probed in the background."),
    ]

    /// Keys by YAML path.
    public static let byPath: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
}
