-- New entries reach the full-text index from the writer, one INSERT … SELECT per batch
-- (SessionIngestWriter), not from a row trigger. A trigger made every entry INSERT a
-- statement over two tables, and SQLite then journals each page it touches for a possible
-- statement rollback: ~40 KB copied per 2 KB entry, 8.5 GB of writes for a 300 MB
-- transcript (17.8 → 9.3 s for the same rows with the index filled per batch).
-- Deletes and text updates still reach the index through their triggers.
DROP TRIGGER entries_fts_insert;
