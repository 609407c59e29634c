-- The automatic backup schedule, shared by every process using the database: when the last
-- automatic backup was taken (before the first one: when the schedule started).
CREATE TABLE backup_schedule (
    name TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL,
    last_file TEXT
);
