#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro that does not import into Swift.
static inline sqlite3_destructor_type csqlite3_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic and does not import into Swift. Without memory statistics
// SQLite's allocator takes no global mutex on every allocation; must run before the first
// connection opens (later calls return SQLITE_MISUSE and change nothing).
static inline int csqlite3_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
