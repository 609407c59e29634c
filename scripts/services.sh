#!/usr/bin/env bash
# Starts or stops throw-away PostgreSQL and Redis servers on loopback for the tests.
#   scripts/services.sh start DIR   -> prints `export CCI_TEST_...` lines for the caller to eval
#   scripts/services.sh stop DIR
set -euo pipefail

action=$1
dir=$2
# The first port from $1 on that nothing listens on, so a second run beside a first works.
free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

case "$action" in
start)
    pg_port=$(free_port "${CCI_TEST_PG_PORT:-55432}")
    redis_port=$(free_port "${CCI_TEST_REDIS_PORT:-56379}")
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && { id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres; chown postgres "$dir"; }
    # UTF-8 whatever the caller's locale: under SQL_ASCII (initdb's choice with no LANG) the text
    # search parser splits words at non-ASCII letters, and search answers differ from SQLite's.
    as_pg "$pg_bin/initdb" -D "$dir/pg" -U postgres -A trust --no-sync --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    if ! as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w -o \
        "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null; then
        cat "$dir/postgres.log" >&2
        exit 1
    fi
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/redis.pid" \
        --dir "$dir" --save '' --appendonly no --logfile "$dir/redis.log"
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "export CCI_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$pg_port/postgres"
    echo "export CCI_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
    echo "export CCI_TEST_PG_BIN=$pg_bin"
    ;;
stop)
    [[ -d "$dir/pg" ]] && as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
    [[ -f "$dir/redis.pid" ]] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
