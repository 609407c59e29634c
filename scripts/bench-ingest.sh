#!/usr/bin/env bash
# Measures ingest throughput and peak memory with a release build: `cci import` straight into
# SQLite and PostgreSQL, and HTTP uploads, of the corpus and of a large generated transcript.
#   scripts/bench-ingest.sh [SIZE_MB]   (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
size_mb=${1:-300}
corpus=${CCI_CORPUS_DIR:-../shared/corpus}

swift build -c release --product cci >/dev/null
cci="$(swift build -c release --show-bin-path)/cci"
work=$(mktemp -d /tmp/cci-bench-ingest.XXXXXX)
services=$(mktemp -d /tmp/cci-bench-ingest-services.XXXXXX)
trap 'kill "${server_pid:-}" 2>/dev/null || true; scripts/services.sh stop "$services"; rm -rf "$work"' EXIT
service_env=$(scripts/services.sh start "$services")
eval "$service_env"
python3 scripts/make-large-transcript.py "$corpus" "$work/large.jsonl" "$size_mb"

corpus_lines=$(cat "$corpus"/transcripts/*/*.jsonl "$corpus"/transcripts/*/*/subagents/*.jsonl 2>/dev/null | grep -c . || true)
corpus_mb=$(du -cm "$corpus"/transcripts | tail -1 | cut -f1)
large_lines=$(grep -c . "$work/large.jsonl")
large_mb=$(( $(stat -c %s "$work/large.jsonl") / 1048576 ))

# Runs `cci import` and prints lines/s, MB/s and peak RSS.
measure() {
    local label=$1 lines=$2 mb=$3; shift 3
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
    read -r seconds rss_kb <"$work/time"
    python3 -c "print(f'%-34s %9d lines %6d MB %8.1f s %9.0f lines/s %6.1f MB/s  peak RSS %4d MB' % ('$label', $lines, $mb, $seconds, $lines / max($seconds, 0.001), $mb / max($seconds, 0.001), $rss_kb // 1024))"
}

echo "cores: $(nproc); release build; redaction on"
for backend in sqlite postgres; do
    "$CCI_TEST_PG_BIN/psql" -q "$CCI_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS cci_bench_ingest" -c "CREATE DATABASE cci_bench_ingest" >/dev/null
    env_args=(CONFIG_FILE=/dev/null DATABASE_TYPE=$backend DATABASE_PATH="$work/bench.db" DATABASE_URL="${CCI_TEST_POSTGRES_URL%/*}/cci_bench_ingest")
    rm -f "$work"/bench.db*
    env "${env_args[@]}" "$cci" migrate >/dev/null
    measure "$backend import corpus" "$corpus_lines" "$corpus_mb" env "${env_args[@]}" "$cci" import "$corpus/transcripts"
    measure "$backend import ${large_mb} MB transcript" "$large_lines" "$large_mb" env "${env_args[@]}" "$cci" import "$work/large.jsonl"
done

# Over HTTP: one upload per corpus file, to a server on SQLite.
rm -f "$work"/bench.db*
env CONFIG_FILE=/dev/null API_KEY_ENABLED=false SERVER_HOST=127.0.0.1 SERVER_PORT=18480 OLLAMA_ENABLED=false \
    SERVER_MAX_BODY_SIZE_MB=4096 DATABASE_PATH="$work/bench.db" LOG_LEVEL=warn "$cci" serve >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18480/ready >/dev/null && break; sleep 0.1; done
start=$(date +%s.%N)
for file in "$corpus"/transcripts/*/*.jsonl; do
    curl -sf -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$file" http://127.0.0.1:18480/api/sessions >/dev/null
done
end=$(date +%s.%N)
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$server_pid/status)
python3 -c "s=$end-$start; print(f'%-34s %9s lines %6d MB %8.1f s %9.0f lines/s %6.1f MB/s  server peak RSS %4d MB' % ('sqlite HTTP upload corpus', '-', $corpus_mb, s, 0, $corpus_mb / s, $rss_kb // 1024))"
