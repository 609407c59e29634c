-- Projects, sessions and their transcript entries.
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    project_id INTEGER REFERENCES projects (id) ON DELETE SET NULL,
    parent_session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    agent_id TEXT,
    title TEXT,
    title_source TEXT,
    cwd TEXT,
    git_branches TEXT NOT NULL DEFAULT '[]',
    versions TEXT NOT NULL DEFAULT '[]',
    models TEXT NOT NULL DEFAULT '[]',
    first_at TEXT,
    last_at TEXT,
    entry_count INTEGER NOT NULL DEFAULT 0,
    kind_counts TEXT NOT NULL DEFAULT '{}',
    main_chain_count INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sessions_project_last ON sessions (project_id, last_at);
CREATE INDEX sessions_last ON sessions (last_at);
CREATE INDEX sessions_parent ON sessions (parent_session_id);

CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    uuid TEXT NOT NULL,
    parent_uuid TEXT,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,
    is_sidechain INTEGER NOT NULL DEFAULT 0,
    is_main_chain INTEGER NOT NULL DEFAULT 0,
    timestamp TEXT,
    tool_name TEXT,
    tool_use_id TEXT,
    is_error INTEGER NOT NULL DEFAULT 0,
    message_id TEXT,
    request_id TEXT,
    model TEXT,
    cwd TEXT,
    git_branch TEXT,
    version TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL,
    UNIQUE (session_id, uuid)
);
CREATE INDEX entries_session_seq ON entries (session_id, seq);
CREATE INDEX entries_session_kind ON entries (session_id, kind);
CREATE INDEX entries_session_tool_use ON entries (session_id, tool_use_id);
