/// The service's effective configuration. Built only by ``ConfigLoader``; everything else
/// receives the parts it needs.
public struct AppConfig: Sendable {
    public struct Server: Sendable {
        public var host: String
        public var port: Int
        public var readTimeout: Duration
        public var writeTimeout: Duration
        public var idleTimeout: Duration
        public var maxBodyBytes: Int
        public var shutdownTimeout: Duration
    }

    public enum DatabaseType: String, Sendable {
        case sqlite, postgres
    }

    public struct Database: Sendable {
        public var type: DatabaseType
        public var path: String
        public var url: String
        public var poolSize: Int
        public var autoMigrate: Bool
        public var migrationsDirectory: String
        public var busyTimeout: Duration
        public var backupPath: String
        public var autoBackup: Bool
        public var backupInterval: Duration
        public var maxBackups: Int
    }

    public struct Ingest: Sendable {
        public var redactSecrets: Bool
        public var maxLineBytes: Int
    }

    public struct Ollama: Sendable {
        public var enabled: Bool
        /// Base URL such as `http://localhost:11434`.
        public var baseURL: String
        public var timeout: Duration
        public var retryAttempts: Int
        public var retryDelay: Duration
        /// Model name per preset (`fast`, `balanced`).
        public var presets: [String: String]
        public var defaultPreset: String
        /// Largest `num_ctx` a summary asks for.
        public var maxContext: Int
        /// How long a compress request waits for a summary before answering with a job id.
        public var summaryWait: Duration
    }

    public struct Jobs: Sendable {
        /// How long a claimed job stays owned without renewal.
        public var lease: Duration
        public var pollInterval: Duration
    }

    public struct RateLimiting: Sendable {
        public var enabled: Bool
        public var defaultPerMinute: Int
        public var burst: Int
        public var globalPerMinute: Int
        /// Extra budgets for single routes, per caller.
        public var endpoints: [EndpointLimit]
    }

    /// `perMinute` requests per minute per caller on one route, e.g. `POST /api/sessions`.
    public struct EndpointLimit: Sendable, Hashable {
        public var method: String
        /// The route template as registered, e.g. `/api/sessions/{id}`.
        public var path: String
        public var perMinute: Int

        public init(method: String, path: String, perMinute: Int) {
            self.method = method
            self.path = path
            self.perMinute = perMinute
        }

        static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        static let maximumPerMinute = 1_000_000
    }

    public struct Security: Sendable {
        public var apiKeyEnabled: Bool
        public var adminAPIKey: String?
        public var adminAPIKeyFile: String?
        public var metricsRequireKey: Bool
        public var corsEnabled: Bool
        public var corsAllowedOrigins: [String]
        public var rateLimiting: RateLimiting
    }

    public struct Cache: Sendable {
        public var enabled: Bool
        public var sizeBytes: Int
        public var ttl: Duration
    }

    public struct Monitoring: Sendable {
        public var logLevel: String
        public var logFormat: String
        public var metricsEnabled: Bool
        public var healthCheckInterval: Duration
    }

    public var server: Server
    public var database: Database
    public var ingest: Ingest
    public var ollama: Ollama
    public var jobs: Jobs
    public var security: Security
    public var cache: Cache
    /// Redis URL, or nil for the in-process rate limiter and cache.
    public var redisURL: String?
    /// Prepended to every Redis key, so deployments sharing one Redis stay apart.
    public var redisKeyPrefix: String
    public var monitoring: Monitoring
}
