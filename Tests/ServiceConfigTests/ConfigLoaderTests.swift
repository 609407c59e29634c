import Foundation
import ServiceConfig
import TestSupport
import Testing

@Suite("Configuration loading")
struct ConfigLoaderTests {
    /// Loads with no file unless one is given (configs/config.yaml must not leak in).
    func load(flags: [String: String] = [:], env: [String: String] = [:], yaml: String? = nil) throws -> LoadedConfig {
        var file: String?
        if let yaml {
            let url = try TestPaths.temporaryDirectory("cci-config").appendingPathComponent("config.yaml")
            try yaml.write(to: url, atomically: true, encoding: .utf8)
            file = url.path
        }
        return try ConfigLoader(flags: flags, environment: env, configFile: file ?? "/dev/null").load()
    }

    @Test("built-in defaults suit a local run")
    func defaults() throws {
        let config = try load().config
        #expect(config.server.port == 8080)
        #expect(config.server.host == "0.0.0.0")
        #expect(config.database.type == .sqlite)
        #expect(config.database.path == "./data/claude_code.db")
        #expect(config.database.backupPath == "./data/backups")
        #expect(config.ollama.baseURL == "http://localhost:11434")
        #expect(config.ollama.presets == ["fast": "llama3.2:3b", "balanced": "llama3.1:8b"])
        #expect(config.security.apiKeyEnabled)
        #expect(config.security.rateLimiting.defaultPerMinute == 100)
        #expect(config.cache.sizeBytes == 100 * 1024 * 1024)
        #expect(config.redisURL == nil)
        #expect(config.monitoring.metricsEnabled)
        #expect(config.monitoring.healthCheckInterval == .seconds(30))
    }

    @Test("flag beats environment beats file beats default")
    func precedence() throws {
        let yaml = "server:\n  port: 7000\n  host: 127.0.0.2\n  read_timeout: 11s\n"
        let fileOnly = try load(yaml: yaml)
        #expect(fileOnly.config.server.port == 7000)
        #expect(fileOnly.config.server.readTimeout == .seconds(11))
        let envOverFile = try load(env: ["SERVER_PORT": "7100"], yaml: yaml)
        #expect(envOverFile.config.server.port == 7100)
        #expect(envOverFile.config.server.host == "127.0.0.2")
        let flagOverEnv = try load(flags: ["server.port": "7200"], env: ["SERVER_PORT": "7100"], yaml: yaml)
        #expect(flagOverEnv.config.server.port == 7200)
        #expect(flagOverEnv.values.values["server.port"]?.source == .flag("server.port"))
        #expect(flagOverEnv.values.values["server.host"]?.source != .builtInDefault)
    }

    @Test("every documented environment variable is honoured")
    func documentedEnvironment() throws {
        let env = [
            "SERVER_PORT": "9001", "SERVER_HOST": "127.0.0.1", "LOG_LEVEL": "debug",
            "DATABASE_PATH": "/tmp/x.db", "DATABASE_BACKUP_PATH": "/tmp/backups",
            "OLLAMA_HOST": "ollama.internal", "OLLAMA_PORT": "11500", "OLLAMA_TIMEOUT": "45s",
            "API_KEY_ENABLED": "false", "RATE_LIMIT_ENABLED": "false", "DEFAULT_RATE_LIMIT": "250",
            "CACHE_ENABLED": "false", "CACHE_SIZE_MB": "12", "METRICS_ENABLED": "false",
            "HEALTH_CHECK_INTERVAL": "15s", "DATABASE_TYPE": "postgres",
            "DATABASE_URL": "postgresql://u:p@db:5432/cci", "REDIS_URL": "redis://redis:6379/0",
        ]
        let config = try load(env: env).config
        #expect(config.server.port == 9001)
        #expect(config.server.host == "127.0.0.1")
        #expect(config.monitoring.logLevel == "debug")
        #expect(config.database.path == "/tmp/x.db")
        #expect(config.database.backupPath == "/tmp/backups")
        #expect(config.ollama.baseURL == "http://ollama.internal:11500")
        #expect(config.ollama.timeout == .seconds(45))
        #expect(config.security.apiKeyEnabled == false)
        #expect(config.security.rateLimiting.enabled == false)
        #expect(config.security.rateLimiting.defaultPerMinute == 250)
        #expect(config.cache.enabled == false)
        #expect(config.cache.sizeBytes == 12 * 1024 * 1024)
        #expect(config.monitoring.metricsEnabled == false)
        #expect(config.monitoring.healthCheckInterval == .seconds(15))
        #expect(config.database.type == .postgres)
        #expect(config.database.url == "postgresql://u:p@db:5432/cci")
        #expect(config.redisURL == "redis://redis:6379/0")
    }

    @Test("OLLAMA_HOST may be a full URL, as Ollama itself allows")
    func ollamaURL() throws {
        #expect(try load(env: ["OLLAMA_HOST": "http://gpu-box:11434/"]).config.ollama.baseURL == "http://gpu-box:11434")
        #expect(try load(env: ["OLLAMA_HOST": "gpu-box:9999"]).config.ollama.baseURL == "http://gpu-box:9999")
        #expect(try load(env: ["OLLAMA_HOST": ""]).config.ollama.enabled == false)
    }

    @Test("the documented YAML sections and nested keys are read")
    func yamlSections() throws {
        let yaml = """
            database:
              backup_interval: 12h
              max_backups: 3
            ollama:
              retry_attempts: 5
              models:
                fast: llama3.2:1b
            security:
              cors_allowed_origins: [https://a.example, https://b.example]
              rate_limiting:
                burst_limit: 7
            monitoring:
              health_check_interval: 250ms
            """
        let config = try load(yaml: yaml).config
        #expect(config.database.backupInterval == .seconds(12 * 3600))
        #expect(config.database.maxBackups == 3)
        #expect(config.ollama.retryAttempts == 5)
        #expect(config.ollama.presets["fast"] == "llama3.2:1b")
        #expect(config.security.corsAllowedOrigins == ["https://a.example", "https://b.example"])
        #expect(config.security.rateLimiting.burst == 7)
        #expect(config.monitoring.healthCheckInterval == .milliseconds(250))
    }

    @Test("an invalid value names the key, the value, its source and what is allowed",
          arguments: [
              ("SERVER_PORT", "eighty", "server.port", "an integer from 0 to 65535"),
              ("SERVER_PORT", "70000", "server.port", "an integer from 0 to 65535"),
              ("DATABASE_TYPE", "mysql", "database.type", "one of sqlite, postgres"),
              ("API_KEY_ENABLED", "maybe", "security.api_key_enabled", "true or false"),
              ("HEALTH_CHECK_INTERVAL", "soon", "monitoring.health_check_interval", "a duration"),
              ("LOG_LEVEL", "loud", "monitoring.log_level", "one of trace"),
          ])
    func invalidValue(variable: String, value: String, key: String, allowed: String) throws {
        #expect {
            try load(env: [variable: value])
        } throws: { error in
            let message = "\(error)"
            return message.contains(key) && message.contains("\"\(value)\"") && message.contains(variable)
                && message.contains(allowed)
        }
    }

    @Test("postgres without a URL is refused")
    func postgresNeedsURL() throws {
        #expect { try load(env: ["DATABASE_TYPE": "postgres"]) } throws: { "\($0)".contains("DATABASE_URL") }
    }

    @Test("unknown YAML keys are warned about, not fatal")
    func unknownKeys() throws {
        let loaded = try load(yaml: "server:\n  prot: 1\n  port: 8081\nfancy: true\n")
        #expect(loaded.config.server.port == 8081)
        #expect(loaded.warnings.contains { $0.contains("server.prot") })
        #expect(loaded.warnings.contains { $0.contains("fancy") })
    }

    @Test("a missing or broken file named explicitly is an error")
    func badFile() throws {
        #expect { try ConfigLoader(environment: [:], configFile: "/nonexistent/cci.yaml").load() } throws: {
            "\($0)".contains("/nonexistent/cci.yaml")
        }
        #expect { try load(yaml: "server: [unclosed") } throws: { "\($0)".contains("cannot read configuration file") }
        #expect {
            try ConfigLoader(environment: ["CONFIG_FILE": "/nonexistent/env.yaml"]).load()
        } throws: { "\($0)".contains("/nonexistent/env.yaml") }
    }

    @Test("the printed configuration masks secrets but keeps hosts readable")
    func maskedDescription() throws {
        let loaded = try load(env: [
            "DATABASE_TYPE": "postgres", "DATABASE_URL": "postgresql://app:s3cret@db:5432/cci",
            "REDIS_URL": "redis://:hunter2@redis:6379/0", "ADMIN_API_KEY": "cci_abcdef",
        ])
        let text = loaded.describe().joined(separator: "\n")
        #expect(!text.contains("s3cret"))
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("cci_abcdef"))
        #expect(text.contains("database.url = postgresql://app:****@db:5432/cci  (environment DATABASE_URL)"))
        #expect(text.contains("redis.url = redis://:****@redis:6379/0"))
        #expect(text.contains("server.port = 8080  (default)"))
    }

    @Test("the repository's configs/config.yaml loads without warnings and matches the defaults")
    func shippedFile() throws {
        let path = TestPaths.repositoryRoot.appendingPathComponent("configs/config.yaml").path
        let loaded = try ConfigLoader(environment: [:], configFile: path).load()
        #expect(loaded.warnings.isEmpty)
        for key in ConfigKey.all {
            let value = try #require(loaded.values.values[key.path])
            if case .file = value.source {
                #expect(value.text == key.defaultValue, "\(key.path) in config.yaml differs from its default")
            }
        }
    }

    @Test("docs/configuration.md lists every key with its variable and default")
    func documented() throws {
        let doc = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        for key in ConfigKey.all {
            #expect(doc.contains("`\(key.path)`"), "\(key.path) is not documented")
            if let env = key.environment { #expect(doc.contains("`\(env)`"), "\(env) is not documented") }
            if !key.defaultValue.isEmpty { #expect(doc.contains("`\(key.defaultValue)`"), "default of \(key.path) is not documented") }
        }
    }
}
