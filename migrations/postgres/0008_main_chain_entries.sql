-- The main-chain flag moves out of the entry row into a table of entry ids (see
-- migrations/sqlite): deriving a session changes the flag of many entries, and each change
-- wrote a new version of the whole wide row.
CREATE TABLE main_chain_entries (
    entry_id BIGINT PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE
);
INSERT INTO main_chain_entries (entry_id) SELECT id FROM entries WHERE is_main_chain;
-- entries.is_main_chain is neither read nor written from here on. It stays while replicas of
-- the previous release may still run beside this one during a rolling update
-- (docs/deployment.md), and goes in a later release.
