-- Full-text index over entry text. Punctuation becomes spaces before parsing, so paths,
-- file names and snake_case identifiers index as their parts (as on SQLite); the english
-- configuration stems words.
ALTER TABLE entries ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english', regexp_replace(text, '[^[:alnum:]]+', ' ', 'g'))) STORED;

CREATE INDEX entries_search ON entries USING gin (search_vector);
CREATE INDEX entries_git_branch ON entries (git_branch);
CREATE INDEX entries_tool_name ON entries (tool_name);
