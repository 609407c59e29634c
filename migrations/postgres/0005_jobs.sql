-- Background jobs (LLM summaries), claimed by any replica under a lease, and the
-- compressions they produce, stored for reuse. A job's state is queued, running, succeeded
-- or failed; its work_key names the work, so equal keys give equal results.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    work_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    result TEXT,
    error_code TEXT,
    error_message TEXT,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ
);
CREATE INDEX jobs_claimable ON jobs (state, created_at);
CREATE INDEX jobs_work_key ON jobs (work_key, state);

-- One stored result per (content, level, model, prompt version); a stored session's rows
-- go with the session.
CREATE TABLE compression_results (
    content_key TEXT NOT NULL,
    level TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,
    result TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (content_key, level, model, prompt_version)
);
CREATE INDEX compression_results_session ON compression_results (session_id);
