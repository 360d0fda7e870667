# Shared by scripts/bench.sh and scripts/bench-decide.sh; sourced, not run. Messages, the load generator, a work
# directory and database cleaned up at exit with every server started, free ports, readiness waits and percentages.
# The sourcing script sets `bench_name` (for its messages) and `pg_url` before calling these.

say() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\n%s: ERROR: %s\n' "$bench_name" "$*" >&2; exit 1; }

# need_wrk: wrk (the HTTP load generator); need_postgresql_client: psql and pgbench. scripts/setup.sh installs them with
# apt-get when missing (as root; otherwise it says what to install). Its progress goes to stderr, like these messages.
bench_setup="$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_wrk() { "$bench_setup" wrk >&2 || die "wrk (the HTTP load generator) is missing (scripts/setup.sh wrk)"; }
need_postgresql_client() {
    "$bench_setup" postgresql-client >&2 || die "psql and pgbench are missing (scripts/setup.sh postgresql-client)"
}

# bench_workspace WORK_PREFIX DB_PREFIX: sets $work (a new directory under /tmp) and $pg_db (a database name for
# this run, created by the caller, which then sets pg_created=1), and arranges for both to go at exit, after every
# server in $pids is stopped. BENCH_KEEP=1 keeps the work directory.
bench_workspace() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    pg_db=$2_$$
    pg_created=
    pids=()
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$pg_created" ]; then
        psql "$pg_url/postgres" -qAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "$bench_name: kept logs in $work" >&2
    else
        rm -rf "$work"
    fi
}

stop() { # stop PID: stop one server started here
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local keep=() pid
    for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || keep+=("$pid"); done
    pids=("${keep[@]+"${keep[@]}"}")
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_ready PID URL LOG: until URL answers 200, or fail with the server's log.
wait_ready() {
    local pid=$1 url=$2 log=$3 i
    for i in $(seq 1 240); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 30 "$log" >&2 || true
            die "the server exited before it was ready (log above: $log)"
        fi
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" = 200 ]; then
            return 0
        fi
        sleep 0.25
    done
    tail -n 30 "$log" >&2 || true
    die "$url did not answer 200 within 60 s"
}

# pct PART WHOLE: PART as a whole percentage of WHOLE.
pct() { python3 -c 'import sys; print(round(100 * float(sys.argv[1]) / float(sys.argv[2])) if float(sys.argv[2]) > 0 else 0)' "$1" "$2"; }

# bench_subscribe BASE N URL: signs in as the demo admin and creates N webhook subscriptions to URL (each gets
# `?k=<n>` added) for every event type and every prison, as an integrator listening to everything would. BASE is the
# service's /api/v1 URL; the service must run with WEBHOOKS_ALLOW_LOOPBACK=true for a loopback URL. Fails the run
# on any answer other than 201.
bench_subscribe() {
    local base=$1 n=$2 url=$3 token ids k status
    [ "$n" -gt 0 ] || return 0
    token=$(curl -sf --max-time 30 -H 'Content-Type: application/json' \
        -d '{"email":"admin@demo.example","password":"demo-visits-password"}' "$base/staff/sign-in" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') ||
        die "could not sign in as admin@demo.example to create webhook subscriptions"
    ids=$(curl -sf --max-time 30 "$base/prisons" | python3 -c 'import json, sys; print(json.dumps([p["id"] for p in json.load(sys.stdin)]))') ||
        die "could not list the prisons"
    for k in $(seq 1 "$n"); do
        status=$(curl -s -o "$work/subscription-$k.json" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' \
            -H "Authorization: Bearer $token" \
            -d "{\"url\":\"$url?k=$k\",\"event_types\":[],\"prison_ids\":$ids,\"description\":\"bench $k\"}" \
            "$base/webhooks/subscriptions" || true)
        [ "$status" = 201 ] || { head -c 500 "$work/subscription-$k.json" >&2; die "creating webhook subscription $k answered ${status:-nothing}"; }
    done
    echo "    $n webhook subscription(s) to $url for every event of $(python3 -c 'import json, sys; print(len(json.loads(sys.argv[1])))' "$ids") prisons" >&2
}
