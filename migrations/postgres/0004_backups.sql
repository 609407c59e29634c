-- The automatic backup schedule, shared by every replica using the database: when the last
-- automatic backup was taken (before the first one: when the schedule started).
CREATE TABLE backup_schedule (
    name TEXT PRIMARY KEY,
    last_run_at TIMESTAMPTZ NOT NULL,
    last_file TEXT
);
