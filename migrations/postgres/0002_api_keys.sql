-- API keys (stored only as SHA-256 hashes) and once-per-database service markers.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    key_prefix TEXT NOT NULL,
    permissions TEXT NOT NULL,
    rate_limit INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE service_markers (
    name TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);
