-- Two entry indexes that cost every insert and that no query needs: searches filter on
-- branch and tool through entries_search_filter (SQLite) or after the full-text match
-- (PostgreSQL), and listing sessions by branch reads each session's derived branch list
-- (sessions.git_branches) instead of looking the branch up among its entries. SQLite
-- stores a 300 MB transcript 7-11% faster without them.
DROP INDEX entries_git_branch;
DROP INDEX entries_tool_name;
