-- Entries that are errors, for searches limited to them: PostgreSQL combines this small
-- index with the full-text index (a BitmapAnd), so only matching error entries are read
-- from the table instead of every entry that matches the words.
CREATE INDEX entries_errors ON entries (id) WHERE is_error;
