#!/usr/bin/env bash
# Run a command against throwaway PostgreSQL and Redis servers.
#
#   scripts/with-services.sh .venv/bin/pytest -x
#
# If DATABASE_URL is unset, starts PostgreSQL (unix socket only, trust auth) in a temp dir
# under /tmp and creates the database "ilag"; if CELERY_BROKER_URL is unset, starts
# redis-server on a free loopback port. Both are stopped when the command ends, and the
# command's exit code is passed on. Servers already given through the environment are used
# as they are.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

PG_VERSION="${PG_VERSION:-15}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/${PG_VERSION}/bin}"

tmp=""
pg_data=""
redis_pid=""

as_pg() {
    # initdb refuses to run as root, so as root the server runs as the postgres user.
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n "$redis_pid" ]] && kill -0 "$redis_pid" 2>/dev/null; then
        kill "$redis_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [[ -n "$pg_data" && -f "$pg_data/postmaster.pid" ]]; then
        as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1
    fi
    if [[ -n "$tmp" ]]; then
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

tmp="$(mktemp -d /tmp/ilag-services.XXXXXXXX)"
chmod 755 "$tmp"

if [[ -z "${DATABASE_URL:-}" ]]; then
    if [[ ! -x "$PG_BIN/initdb" ]]; then
        echo "with-services: $PG_BIN/initdb not found (run scripts/system-deps.sh)" >&2
        exit 1
    fi
    pg_dir="$tmp/pg"
    mkdir "$pg_dir"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$pg_dir"
    fi
    pg_data="$pg_dir/data"
    # No TCP listener (listen_addresses=''): the port only names the socket file
    # ($pg_dir/.s.PGSQL.PORT), but a free one keeps it recognisable in `ps`.
    pg_port="$(free_port)"
    as_pg "$PG_BIN/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log" >&2; exit 1; }
    # fsync off: a throwaway test cluster need not survive a crash, and it is much faster.
    as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_dir/server.log" -w -t 60 \
        -o "-p $pg_port -k $pg_dir -c listen_addresses='' -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
        || { cat "$pg_dir/server.log" >&2; exit 1; }
    as_pg "$PG_BIN/createdb" -h "$pg_dir" -p "$pg_port" -U postgres ilag
    # django-environ puts host/port from the query into OPTIONS, which Django hands to
    # psycopg; libpq tools (psql "$DATABASE_URL") read the same URI form.
    export DATABASE_URL="postgres://postgres@/ilag?host=${pg_dir}&port=${pg_port}"
    echo "with-services: PostgreSQL ${PG_VERSION} on socket ${pg_dir} (port ${pg_port})" >&2
fi

if [[ -z "${CELERY_BROKER_URL:-}" ]]; then
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "with-services: redis-server not found (run scripts/system-deps.sh)" >&2
        exit 1
    fi
    # Loopback TCP rather than a unix socket: redis:// is understood by kombu and
    # redis-py alike. Retry in case another process takes the port in between.
    for _ in 1 2 3 4 5; do
        redis_port="$(free_port)"
        redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
            --dir "$tmp" --logfile "$tmp/redis.log" --daemonize no &
        redis_pid=$!
        for _ in $(seq 100); do
            if redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
                break 2
            fi
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=""
    done
    if [[ -z "$redis_pid" ]]; then
        echo "with-services: could not start redis-server" >&2
        cat "$tmp/redis.log" >&2 || true
        exit 1
    fi
    export CELERY_BROKER_URL="redis://127.0.0.1:${redis_port}/0"
    echo "with-services: Redis on 127.0.0.1:${redis_port}" >&2
fi

SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY

set +e
"$@"
rc=$?
set -e
exit "$rc"
