#!/usr/bin/env bash
# Measures, in one run against release servers, an authenticated read that goes through
# every /api layer (key lookup in SQLite, the three rate-limit budgets in Redis, the response
# cache in memory + Redis) beside unauthenticated /health, which goes through none of them;
# and the same read on a second server without Redis (in-process limiter and cache), to
# show what the Redis round trips cost.
#   scripts/bench-auth.sh [seconds] [connections]
# The key's limit is high enough that no request is refused (a refused one would be cheaper).
# Request logging stays on (to a file), as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
duration=${1:-10}
connections=${2:-32}

build_release cci >/dev/null
cci="$(release_bin)/cci"
work=$(mktemp -d /tmp/cci-bench-auth.XXXXXX)
services=$(mktemp -d /tmp/cci-bench-auth-services.XXXXXX)
trap 'kill ${server_pids:-} 2>/dev/null || true; scripts/services.sh stop "$services"; rm -rf "$work"' EXIT
service_env=$(scripts/services.sh start "$services")
eval "$service_env"

port=18191
export SERVER_HOST=127.0.0.1 SERVER_PORT=$port OLLAMA_ENABLED=false CONFIG_FILE=/dev/null \
    DATABASE_TYPE=sqlite DATABASE_PATH="$work/bench.db" REDIS_URL="$CCI_TEST_REDIS_URL" \
    GLOBAL_RATE_LIMIT=100000000 RATE_LIMIT_BURST=100000
"$cci" migrate >/dev/null
key=$("$cci" keys create --name bench --permissions read:sessions,write:sessions --rate-limit 1000000 | tail -1)
"$cci" serve >"$work/server.log" 2>&1 &
server_pids="$!"
local_port=$((port + 1))
SERVER_PORT=$local_port REDIS_URL="" "$cci" serve >"$work/server-local.log" 2>&1 &
server_pids="$server_pids $!"
for p in $port $local_port; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/ready" >/dev/null && break; sleep 0.1; done
done

# A few sessions to search.
for i in $(seq 20); do
    printf '{"type":"user","uuid":"u%s","sessionId":"bench-%s","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"the login fails with ECONNREFUSED when redis restarts, try %s"}}\n' "$i" "$i" "$i"
done | curl -sf -H "X-API-Key: $key" -H 'Content-Type: application/x-ndjson' --data-binary @- \
    "http://127.0.0.1:$port/api/sessions" >/dev/null
search="/api/sessions/search?q=login%20ECONNREFUSED&limit=5"
for p in $port $local_port; do
    headers=$(curl -s -D - -o /dev/null -H "X-API-Key: $key" "http://127.0.0.1:$p$search")
    echo "$headers" | grep -qi '^ratelimit-limit' || { echo "no RateLimit headers on :$p$search" >&2; exit 1; }
done

run() {
    local label=$1; shift
    wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" >"$work/wrk.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
    errors=$(awk '/Non-2xx|Socket errors/ {sub(/^[^:]*: */, ""); print}' "$work/wrk.txt" | paste -sd' ')
    printf '%-44s %12s %10s %10s  %s\n' "$label" "$rps" "$p50" "$p99" "${errors:-0}"
    echo "$rps" >>"$work/$label.rps"
}

echo "cores: $(nproc); ${duration}s per run; ${connections} connections; wrk -t2; SQLite + Redis"
printf '%-44s %12s %10s %10s  %s\n' route "requests/s" "p50" "p99" "errors"
# Alternated, so that a change in the machine's load hits both routes alike.
for _ in 1 2; do
    run health "http://127.0.0.1:$port/health"
    run search -H "X-API-Key: $key" "http://127.0.0.1:$port$search"
    run search-local -H "X-API-Key: $key" "http://127.0.0.1:$local_port$search"
done
python3 - "$work" <<'PY'
import sys, statistics
work = sys.argv[1]
mean = lambda name: statistics.mean(float(x) for x in open(f"{work}/{name}.rps"))
health, search, local = mean("health"), mean("search"), mean("search-local")
print(f"mean: /health {health:,.0f} req/s; authenticated search, Redis-rate-limited and cached, {search:,.0f} req/s "
      f"= {100 * search / health:.0f}% of /health; without Redis {local:,.0f} req/s = {100 * local / health:.0f}%")
PY
