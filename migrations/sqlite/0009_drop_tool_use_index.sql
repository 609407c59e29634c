-- The (session_id, tool_use_id) index served one query: deriving a session named tool
-- results whose call came in an earlier upload by looking the call up in it. Deriving now
-- takes the calls' names from its one pass over the session's entries, and every entry
-- insert no longer pays for an index that no query reads.
DROP INDEX entries_session_tool_use;
