#!/usr/bin/env bash
# Load test: gunicorn with production settings on loopback, 5 000 synthetic projects, and
# locust with 50 users (advisers and project leaders) for 60 seconds.
#
#   scripts/with-services.sh scripts/loadtest.sh      # or: make loadtest
#
# Without DATABASE_URL it runs itself under scripts/with-services.sh (throwaway PostgreSQL
# and Redis). Migrates, seeds (`seed_demo --projects 5000`), collects the static files
# into a temporary directory, starts gunicorn on a free loopback port with
# loadtest/settings_loadtest.py (ilag.settings with DEBUG off, but plain HTTP: no HTTPS
# redirect, no Secure flag on the cookies), waits for /helse/, runs locust headless, stops
# gunicorn, and prints requests/s, median, 95th percentile and failures from locust's CSV.
# Exits non-zero when a request failed.
#
# Environment: LOCUST_USERS (50), LOCUST_SPAWN_RATE (10), LOCUST_TIME (60s),
# LOADTEST_PROJECTS (5000), LOCUST_CSV (/tmp/locust: the prefix of the CSV files),
# GUNICORN_ARGS (further gunicorn options).
set -euo pipefail

cd "$(dirname "$0")/.."
if [[ -z "${DATABASE_URL:-}" ]]; then
    exec scripts/with-services.sh "$0" "$@"
fi

BIN="${BIN:-.venv/bin}"
USERS="${LOCUST_USERS:-50}"
SPAWN_RATE="${LOCUST_SPAWN_RATE:-10}"
RUN_TIME="${LOCUST_TIME:-60s}"
PROJECTS="${LOADTEST_PROJECTS:-5000}"
CSV="${LOCUST_CSV:-/tmp/locust}"

export DJANGO_SETTINGS_MODULE=loadtest.settings_loadtest
export DEBUG=0
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
# The web processes share the cache in Redis, as in production (docker-compose.yml).
if [[ -z "${CACHE_URL:-}" && "${CELERY_BROKER_URL:-}" == redis://* ]]; then
    export CACHE_URL="${CELERY_BROKER_URL%/*}/1"
fi
: "${SECRET_KEY:?SECRET_KEY must be set (scripts/with-services.sh sets a random one)}"

work="$(mktemp -d /tmp/ilag-loadtest.XXXXXXXX)"
export STATIC_ROOT="$work/static"
gunicorn_pid=""

stop_gunicorn() {
    if [[ -n "$gunicorn_pid" ]] && kill -0 "$gunicorn_pid" 2>/dev/null; then
        kill -TERM "$gunicorn_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$gunicorn_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$gunicorn_pid" 2>/dev/null || true
        wait "$gunicorn_pid" 2>/dev/null || true
    fi
    gunicorn_pid=""
}
cleanup() {
    local rc=$?
    set +e
    stop_gunicorn
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
echo "loadtest: migrate, seed_demo --projects $PROJECTS, ANALYZE, collectstatic" >&2
"$BIN/python" manage.py migrate --no-input -v 0
"$BIN/python" manage.py seed_demo --projects "$PROJECTS" >/dev/null
# Fresh planner statistics, as autovacuum keeps them in production.
"$BIN/python" manage.py shell -c "from django.db import connection; connection.cursor().execute('ANALYZE')"
"$BIN/python" manage.py collectstatic --no-input -v 0
echo "loadtest: data ready in $((SECONDS - started)) s" >&2

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# --keep-alive 5: gunicorn's default of 2 s is shorter than the users' think time (1-3 s),
# so it would close idle connections just as locust reuses them ("Connection reset by
# peer"). In production the reverse proxy keeps the client connections.
"$BIN/gunicorn" ilag.wsgi:application --bind "127.0.0.1:$port" --workers 4 --threads 2 \
    --keep-alive 5 --error-logfile "$work/gunicorn.log" --log-level warning ${GUNICORN_ARGS:-} &
gunicorn_pid=$!

healthy=""
for _ in $(seq 300); do
    if curl -fsS "http://127.0.0.1:$port/helse/" >/dev/null 2>&1; then
        healthy=1
        break
    fi
    kill -0 "$gunicorn_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z "$healthy" ]]; then
    echo "loadtest: gunicorn did not answer on /helse/" >&2
    cat "$work/gunicorn.log" >&2 || true
    exit 1
fi
echo "loadtest: gunicorn (4 workers × 2 threads) on 127.0.0.1:$port, cache ${CACHE_URL:-per process}; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

export LOCUST_PAGES_JSON="${CSV}_pages.json"
rm -f "$LOCUST_PAGES_JSON" "${CSV}"_stats.csv "${CSV}"_failures.csv "${CSV}"_exceptions.csv "${CSV}"_stats_history.csv
set +e
timeout --signal=INT --kill-after=30 300 \
    "$BIN/locust" -f loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" \
    -t "$RUN_TIME" --stop-timeout 10 --host "http://127.0.0.1:$port" --csv "$CSV" \
    --only-summary --loglevel WARNING
locust_rc=$?
set -e
stop_gunicorn

if [[ ! -f "${CSV}_stats.csv" ]]; then
    echo "loadtest: locust wrote no statistics (exit code $locust_rc)" >&2
    exit 1
fi
set +e
"$BIN/python" - "$CSV" "$USERS" "$RUN_TIME" <<'PY'
import csv
import json
import os
import sys

prefix, users, run_time = sys.argv[1:4]
with open(f"{prefix}_stats.csv", newline="") as handle:
    rows = list(csv.DictReader(handle))
total = next(r for r in rows if r["Name"] == "Aggregated")
print()
print(f"{'Request':48} {'count':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>6}")
for r in rows:
    print(
        f"{(r['Type'] + ' ' + r['Name'])[:48]:48} {int(r['Request Count']):6d} "
        f"{int(r['Failure Count']):5d} {r['50%']:>7} {r['95%']:>7} "
        f"{float(r['Requests/s']):6.1f}"
    )
print()
print(
    f"Users {users}, {run_time}: {float(total['Requests/s']):.1f} requests/s, "
    f"p50 {total['50%']} ms, p95 {total['95%']} ms, "
    f"failures {total['Failure Count']} of {total['Request Count']}"
)
pages = f"{prefix}_pages.json"
if os.path.exists(pages):
    with open(pages) as handle:
        p = json.load(handle)
    print(
        f"Pages without the logins: {p['count']} requests, p50 {p['p50']} ms, "
        f"p95 {p['p95']} ms, max {p['max']} ms"
    )
sys.exit(1 if int(total["Failure Count"]) else 0)
PY
summary_rc=$?
set -e
if [[ -s "${CSV}_failures.csv" ]] && [[ $(wc -l <"${CSV}_failures.csv") -gt 1 ]]; then
    echo "Failures:" >&2
    cat "${CSV}_failures.csv" >&2
fi
if [[ -s "$work/gunicorn.log" ]]; then
    echo "gunicorn's log (last 20 lines):" >&2
    tail -n 20 "$work/gunicorn.log" >&2
fi
if [[ $summary_rc -ne 0 || $locust_rc -ne 0 ]]; then
    exit 1
fi
