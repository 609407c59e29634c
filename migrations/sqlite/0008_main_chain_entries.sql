-- The main-chain flag moves out of the entry row into a table of entry ids. Deriving a
-- session turns the flag on along its newest chain and off elsewhere, and in the row each
-- change rewrote the whole wide row (raw line and text, ~2.7 KB) and its page: a 300 MB
-- transcript holding many conversations rewrote 77,000 rows, 1.8 s of a 12.5 s import.
-- Here a change is one small row.
CREATE TABLE main_chain_entries (
    entry_id INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE
);
INSERT INTO main_chain_entries (entry_id) SELECT id FROM entries WHERE is_main_chain;
-- entries.is_main_chain is neither read nor written from here on. It stays while replicas of
-- the previous release may still run beside this one during a rolling update
-- (docs/deployment.md), and goes in a later release.
