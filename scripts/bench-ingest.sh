#!/usr/bin/env bash
# Measures ingest throughput and peak memory with a release build, on SQLite and PostgreSQL:
# `cci import` straight into the database, and `cci import --server` through a running
# server (HTTP appends in 8 MB slices), of the corpus and of a large generated transcript;
# then, for memory whatever the file size, one far larger transcript straight into SQLite.
#   scripts/bench-ingest.sh [SIZE_MB] [HUGE_MB]   (defaults 300 and 1000; HUGE_MB 0 skips it)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test >/dev/null
size_mb=${1:-300}
huge_mb=${2:-1000}
corpus=${CCI_CORPUS_DIR:-../shared/corpus}

build_release cci >/dev/null
cci="$(release_bin)/cci"
work=$(mktemp -d /tmp/cci-bench-ingest.XXXXXX)
services=$(mktemp -d /tmp/cci-bench-ingest-services.XXXXXX)
trap 'kill "${server_pid:-}" 2>/dev/null || true; scripts/services.sh stop "$services" >/dev/null; rm -rf "$work"' EXIT
eval "$(scripts/services.sh start "$services")"
python3 scripts/make-large-transcript.py "$corpus" "$work/large.jsonl" "$size_mb" >/dev/null

count_lines() { cat "$@" | grep -c . || true; }
corpus_files=$(find "$corpus/transcripts" -name '*.jsonl')
corpus_lines=$(count_lines $corpus_files)
corpus_mb=$(du -cb $corpus_files | tail -1 | awk '{printf "%.1f", $1 / 1048576}')
large_lines=$(count_lines "$work/large.jsonl")
large_mb=$(stat -c %s "$work/large.jsonl" | awk '{printf "%.1f", $1 / 1048576}')

# Prints one result line: label, lines, MB, seconds (with the fastest and slowest of several
# runs), rates, peak RSS of the importing process.
report() {
    python3 -c "import sys; l, lines, mb, s, rss, low, high = sys.argv[1:8]; lines, mb, s = int(lines), float(mb), float(s)
spread = f' ({float(low):.2f}–{float(high):.2f})' if low != high else ''
print(f'| {l} | {lines:,} | {mb:.1f} | {s:.2f}{spread} | {lines / s:,.0f} | {mb / s:.1f} | {int(rss) // 1024} |')" "$@"
}

# Runs `cci import` RUNS times, each after RESET (a command: a fresh database), and prints
# the line of the median run: a corpus import takes ~0.35 s, which one run measures to ±10%
# on this machine. Wall time from the shell's microsecond clock, peak RSS from /usr/bin/time.
# Each run starts after `sync`: the gigabyte or so a large import leaves the kernel to write
# back otherwise lands in the runs after it (a corpus import 0.33 s alone, up to 0.50 s then).
measure() {
    local label=$1 lines=$2 mb=$3 runs=$4 reset=$5; shift 5
    local results=() start elapsed rss_kb
    for _ in $(seq "$runs"); do
        $reset
        rm -f "$work/state.json"
        sync
        start=${EPOCHREALTIME//[!0-9]/}  # microseconds
        /usr/bin/time -f "%M" -o "$work/time" "$@" --plain --state "$work/state.json" >"$work/out" 2>&1 \
            || { cat "$work/out"; exit 1; }
        elapsed=$(( ${EPOCHREALTIME//[!0-9]/} - start ))
        read -r rss_kb <"$work/time"
        results+=("$(printf '%d.%06d' $(( elapsed / 1000000 )) $(( elapsed % 1000000 ))) $rss_kb")
    done
    local sorted
    sorted=$(printf '%s\n' "${results[@]}" | sort -n)
    read -r seconds rss_kb < <(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
    report "$label" "$lines" "$mb" "$seconds" "$rss_kb" "$(head -1 <<<"$sorted" | cut -d' ' -f1)" "$(tail -1 <<<"$sorted" | cut -d' ' -f1)"
}

# Only the backend being measured: dropping and creating a PostgreSQL database sets its
# server writing for a while, on the cores a SQLite run needs.
fresh_database() {
    if [ "$backend" = sqlite ]; then
        rm -f "$work"/bench.db*
    else
        "$CCI_TEST_PG_BIN/psql" -q "$CCI_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS cci_bench_ingest" \
            -c "CREATE DATABASE cci_bench_ingest" >/dev/null
    fi
    env "${env_args[@]}" "$cci" migrate >/dev/null
}

# A fresh database and a server on it. Rate limits off: 29 files are 29 requests in a
# second, past the default burst, and this measures ingest, not Retry-After pauses.
fresh_server() {
    stop_server
    fresh_database
    env "${env_args[@]}" API_KEY_ENABLED=false RATE_LIMIT_ENABLED=false SERVER_HOST=127.0.0.1 SERVER_PORT=18480 \
        OLLAMA_ENABLED=false "$cci" serve >/dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 200); do curl -sf http://127.0.0.1:18480/ready >/dev/null && break; sleep 0.1; done
}

stop_server() {
    [ -n "${server_pid:-}" ] || return 0
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=
}

corpus_runs=5
echo "cores: $(nproc); release build; redaction on; corpus ${corpus_mb} MB, generated ${large_mb} MB;" \
    "corpus rows: the median of $corpus_runs runs, each into a fresh database"
echo
echo "| run | lines | MB | s | lines/s | MB/s | importer peak RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for backend in sqlite postgres; do
    env_args=(CONFIG_FILE=/dev/null LOG_LEVEL=warn DATABASE_TYPE=$backend DATABASE_PATH="$work/bench.db"
              DATABASE_URL="${CCI_TEST_POSTGRES_URL%/*}/cci_bench_ingest")
    measure "$backend, direct, corpus" "$corpus_lines" "$corpus_mb" "$corpus_runs" fresh_database \
        env "${env_args[@]}" "$cci" import "$corpus/transcripts"
    # Into the database that holds the corpus, as the HTTP run below.
    measure "$backend, direct, ${large_mb} MB transcript" "$large_lines" "$large_mb" 1 : \
        env "${env_args[@]}" "$cci" import "$work/large.jsonl"

    measure "$backend, HTTP, corpus" "$corpus_lines" "$corpus_mb" "$corpus_runs" fresh_server \
        "$cci" import --server http://127.0.0.1:18480 "$corpus/transcripts"
    measure "$backend, HTTP, ${large_mb} MB transcript" "$large_lines" "$large_mb" 1 : \
        "$cci" import --server http://127.0.0.1:18480 "$work/large.jsonl"
    # The server's peak over its corpus and large runs, read after the second.
    echo "  ($backend server peak RSS over its corpus and large HTTP runs: $(awk '/VmHWM/ {print int($2 / 1024)}' /proc/$server_pid/status) MB)"
    stop_server
done

if [ "$huge_mb" -gt 0 ]; then
    python3 scripts/make-large-transcript.py "$corpus" "$work/huge.jsonl" "$huge_mb" >/dev/null
    backend=sqlite
    env_args=(CONFIG_FILE=/dev/null LOG_LEVEL=warn DATABASE_TYPE=sqlite DATABASE_PATH="$work/bench.db")
    measure "sqlite, direct, ${huge_mb} MB transcript" "$(count_lines "$work/huge.jsonl")" \
        "$(stat -c %s "$work/huge.jsonl" | awk '{printf "%.1f", $1 / 1048576}')" 1 fresh_database \
        env "${env_args[@]}" "$cci" import "$work/huge.jsonl"
fi
