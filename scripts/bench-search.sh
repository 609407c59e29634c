#!/usr/bin/env bash
# Search latency at scale, on SQLite and PostgreSQL, with a release build: a dataset of
# LINES lines made from the corpus is imported, then typical queries are timed through the
# storage layer alone and through HTTP; index size is compared with the stored text.
#   scripts/bench-search.sh [LINES] [ROUNDS]   (defaults 1060000 and 200: about 4.5% of the
# generated lines repeat one already stored, so 1,060,000 lines store just over 1,000,000 entries)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test >/dev/null
command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3 >/dev/null
entries=${1:-1060000}
rounds=${2:-200}
corpus=${CCI_CORPUS_DIR:-../shared/corpus}
work=${CCI_BENCH_DIR:-$(mktemp -d /tmp/cci-bench-search.XXXXXX)}
mkdir -p "$work"

build_release cci >/dev/null
build_release cci-bench >/dev/null
bin="$(release_bin)"
services=$(mktemp -d /tmp/cci-bench-search-services.XXXXXX)
trap 'kill "${server_pid:-}" 2>/dev/null || true; scripts/services.sh stop "$services" >/dev/null' EXIT
eval "$(scripts/services.sh start "$services")"
# The dataset and the SQLite database are kept in $work between runs (set CCI_BENCH_DIR to
# reuse them).
[[ -d "$work/projects" ]] || python3 scripts/make-search-dataset.py "$corpus" "$work/projects" "$entries"

echo "cores: $(nproc); release build; $(find "$work/projects" -name '*.jsonl' | wc -l) sessions"
for backend in sqlite postgres; do
    pg_url="${CCI_TEST_POSTGRES_URL%/*}/cci_bench_search"
    env_args=(CONFIG_FILE=/dev/null LOG_LEVEL=warn DATABASE_TYPE=$backend DATABASE_PATH="$work/search.db" DATABASE_URL="$pg_url")
    # A finished SQLite import is kept with the dataset, so a re-run only times the queries;
    # PostgreSQL's test server is new on every run, so its import is always made.
    if [[ $backend == postgres || ! -f "$work/imported-$backend" ]]; then
        if [[ $backend == sqlite ]]; then
            rm -f "$work"/search.db*
        else
            "$CCI_TEST_PG_BIN/psql" -q "$CCI_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS cci_bench_search" \
                -c "CREATE DATABASE cci_bench_search" >/dev/null
        fi
        env "${env_args[@]}" "$bin/cci" migrate >/dev/null
        start=$(date +%s)
        env "${env_args[@]}" "$bin/cci" import --plain --state "$work/state-$backend.json" --rescan "$work/projects" | tail -n 1
        echo "import took $(( $(date +%s) - start )) s"
        touch "$work/imported-$backend"
    fi

    echo
    echo "### $backend"
    if [[ $backend == sqlite ]]; then
        sqlite3 "$work/search.db" "ANALYZE; PRAGMA optimize;" >/dev/null
        sqlite3 "$work/search.db" "SELECT printf('entries: %d; stored text: %.1f MB; FTS index: %.1f MB (%.0f%% of the text); database file: %.1f MB',
            (SELECT count(*) FROM entries),
            (SELECT sum(length(CAST(text AS BLOB))) FROM entries) / 1048576.0,
            (SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'entries_fts%') / 1048576.0,
            100.0 * (SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'entries_fts%') / (SELECT sum(length(CAST(text AS BLOB))) FROM entries),
            (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size) / 1048576.0)"
    else
        "$CCI_TEST_PG_BIN/psql" -qAt "$pg_url" -c "VACUUM ANALYZE" >/dev/null
        "$CCI_TEST_PG_BIN/psql" -qAt "$pg_url" -c "SELECT format('entries: %s; stored text: %s MB; GIN index: %s MB (%s%% of the text); tsvector column: %s MB',
            count(*), round(sum(octet_length(text)) / 1048576.0, 1),
            round(pg_relation_size('entries_search') / 1048576.0, 1),
            round(100.0 * pg_relation_size('entries_search') / sum(octet_length(text))),
            round(sum(pg_column_size(search_vector)) / 1048576.0, 1)) FROM entries"
    fi
    # The response cache is off: every HTTP request runs the search, as the SQL path does.
    env "${env_args[@]}" API_KEY_ENABLED=false RATE_LIMIT_ENABLED=false CACHE_ENABLED=false SERVER_HOST=127.0.0.1 SERVER_PORT=18490 \
        OLLAMA_ENABLED=false "$bin/cci" serve >/dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do curl -sf http://127.0.0.1:18490/ready >/dev/null && break; sleep 0.1; done
    echo
    "$bin/cci-bench" search --backend "$backend" --database-path "$work/search.db" --database-url "$pg_url" \
        --server http://127.0.0.1:18490 --rounds "$rounds"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=
done
