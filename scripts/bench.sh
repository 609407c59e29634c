#!/usr/bin/env bash
# Measures HTTP throughput and latency with wrk against a release build, on both backends:
# GET /health (answered from memory) and GET /ready (one query per request).
#   scripts/bench.sh [seconds] [connections]
# Request logging stays on (to a file), as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
duration=${1:-10}
connections=${2:-32}

build_release cci >/dev/null
cci="$(release_bin)/cci"
work=$(mktemp -d /tmp/cci-bench.XXXXXX)
services=$(mktemp -d /tmp/cci-bench-services.XXXXXX)
trap 'scripts/services.sh stop "$services"; rm -rf "$work"' EXIT
service_env=$(scripts/services.sh start "$services")
eval "$service_env"
"$CCI_TEST_PG_BIN/psql" -q "$CCI_TEST_POSTGRES_URL" -c "CREATE DATABASE cci_bench" >/dev/null
pg_url="${CCI_TEST_POSTGRES_URL%/*}/cci_bench"

echo "cores: $(nproc); duration ${duration}s per route; ${connections} connections; wrk -t2"
printf '%-9s %-8s %12s %10s %10s %10s\n' backend route "requests/s" "p50" "p99" "errors"
port=18181
for backend in sqlite postgres; do
    port=$((port + 1))
    env_args=(SERVER_HOST=127.0.0.1 SERVER_PORT=$port OLLAMA_ENABLED=false CONFIG_FILE=/dev/null
              DATABASE_PATH="$work/bench.db" DATABASE_URL="$pg_url" DATABASE_TYPE=$backend DATABASE_AUTO_MIGRATE=true)
    env "${env_args[@]}" "$cci" serve >"$work/$backend.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
    for route in /health /ready; do
        wrk -t2 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port$route" >"$work/wrk.txt"
        rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
        p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
        p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
        errors=$(awk '/Non-2xx|Socket errors/ {sub(/^[^:]*: */, ""); print}' "$work/wrk.txt" | paste -sd' ')
        printf '%-9s %-8s %12s %10s %10s %10s\n' "$backend" "$route" "$rps" "$p50" "$p99" "${errors:-0}"
    done
    kill "$server_pid"
    wait "$server_pid" || true
done
