-- Full-text index over entry text. External content: the text lives once, in entries;
-- the index holds only tokens. unicode61 splits on punctuation, so paths, file names and
-- snake_case identifiers index as their parts; porter stems English words.
CREATE VIRTUAL TABLE entries_fts USING fts5(
    text,
    content = 'entries',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2',
    detail = full
);

INSERT INTO entries_fts (rowid, text) SELECT id, text FROM entries;

CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER entries_fts_update AFTER UPDATE OF text ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO entries_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE INDEX entries_git_branch ON entries (git_branch);
CREATE INDEX entries_tool_name ON entries (tool_name);
