#!/usr/bin/env bash
# Benchmark the release build of the service on loopback, each figure beside a baseline measured in the same run.
#
#   scripts/bench.sh                     both databases, 15 s per measurement (2-3 minutes after the build)
#   BENCH_SECONDS=10 BENCH_DB=sqlite scripts/bench.sh
#
# What it measures (see docs/benchmarks.md):
#   availability  GET /api/v1/prisons/{id}/availability (default window) for "HMP Leeds (demo)", 64 connections,
#                 against the same JSON bytes served by target/release/static-baseline (actix-web and nothing else).
#                 Targets: >= 40% of the baseline's requests per second, p99 < 50 ms.
#   create        POST /api/v1/visits, 32 clients, every request a distinct valid visit request (201 expected),
#                 against `pg-baseline.sh create 32 SECONDS` (the same writes done directly in SQL by pgbench).
#                 Target on PostgreSQL: >= 50% of the pgbench tps. SQLite has no baseline.
#
# Environment:
#   BENCH_SECONDS  seconds per measurement (default 15)
#   BENCH_DB       both (default) | sqlite | postgres
#   BENCH_PG_URL   PostgreSQL server for the service (default postgres://postgres@127.0.0.1:5432); a database
#                  pvb_bench_<pid> is created there and dropped at exit. The pgbench baseline uses the libpq
#                  variables PGHOST/PGPORT/PGUSER/PGPASSWORD (defaults 127.0.0.1, 5432, postgres).
#   PG_BASELINE    the pgbench baseline script (default ../shared/bench/pg-baseline.sh from the project root)
#   BENCH_SKIP_BUILD=1  use the release binaries already built (by default `cargo build --release -p api --bins`
#                  runs first; binaries in $CARGO_TARGET_DIR/release, default target/release)
#   WORKERS        actix worker threads, passed to both the service and the static baseline (default: one per core)
#   BENCH_STRICT=1 also exit non-zero when a target is missed (by default only errors fail the run)
#   BENCH_KEEP=1   keep the work directory (wrk outputs, service logs, the availability JSON) and print its path
#   BENCH_KINDS    what to measure: "availability create" (default), or one of them (scripts/bench-webhooks.sh
#                  measures create alone); the static baseline runs with availability
#   BENCH_PGBENCH=0  skip the pgbench create baseline (create on PostgreSQL is then printed without a ratio)
#   BENCH_WEBHOOK_SUBSCRIPTIONS  webhook subscriptions (every event, every prison) to create before measuring
#                  (default 0); their deliveries are written with each change but not sent (WEBHOOKS_WORKER=false,
#                  like OUTBOX_WORKER=false, unless BENCH_WEBHOOKS_WORKER=true)
#
# Exit status: 0 when every run was clean; 1 when more than 1% of the responses in any run were errors (anything
# other than the expected 200/201, or socket errors/timeouts), or when a step failed; 3 with BENCH_STRICT=1 and a
# missed target.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
helpers="$root/scripts/bench"
seconds=${BENCH_SECONDS:-15}
which_db=${BENCH_DB:-both}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
pg_baseline=${PG_BASELINE:-$root/../shared/bench/pg-baseline.sh}
target_dir=${CARGO_TARGET_DIR:-$root/target}
prison_name="HMP Leeds (demo)"
avail_conns=64
create_clients=32
wrk_threads=2
warmup=3

bench_name=bench.sh
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

case "$seconds" in '' | *[!0-9]* | 0) die "BENCH_SECONDS must be a positive whole number of seconds, got '$seconds'" ;; esac
kinds=" ${BENCH_KINDS:-availability create} "
case "$kinds" in *" availability "* | *" create "*) ;; *) die "BENCH_KINDS must name availability and/or create, got '$kinds'" ;; esac
subscriptions=${BENCH_WEBHOOK_SUBSCRIPTIONS:-0}
case "$subscriptions" in '' | *[!0-9]*) die "BENCH_WEBHOOK_SUBSCRIPTIONS must be a whole number, got '$subscriptions'" ;; esac
case "$which_db" in
both) dbs=(sqlite postgres) ;;
sqlite) dbs=(sqlite) ;;
postgres) dbs=(postgres) ;;
*) die "BENCH_DB must be both, sqlite or postgres, got '$which_db'" ;;
esac

# ---- tools --------------------------------------------------------------------------------------------------------
need_wrk
for tool in curl python3 cargo; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required but not on PATH"
done
if [[ " ${dbs[*]} " == *" postgres "* ]]; then
    need_postgresql_client
    [ -x "$pg_baseline" ] || [ -f "$pg_baseline" ] || die "pgbench baseline script not found at $pg_baseline (set PG_BASELINE)"
    psql "$pg_url/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 ||
        die "cannot connect to PostgreSQL at $pg_url/postgres (set BENCH_PG_URL, or use BENCH_DB=sqlite)"
fi

# ---- clean-up -----------------------------------------------------------------------------------------------------
bench_workspace pvb-bench pvb_bench

# ---- build --------------------------------------------------------------------------------------------------------
if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
    say "BENCH_SKIP_BUILD is set: using the release binaries already in $target_dir/release"
else
    say "building the release binaries (cargo build --release -p api --bins)"
    (cd "$root" && cargo build --release -p api --bins) >&2 || die "the release build failed"
fi
service_bin="$target_dir/release/prison-visits"
static_bin="$target_dir/release/static-baseline"
[ -x "$service_bin" ] || die "$service_bin not found after the build (is CARGO_TARGET_DIR right?)"
[ -x "$static_bin" ] || die "$static_bin not found after the build"

# ---- measurements -------------------------------------------------------------------------------------------------
# Results, keyed "kind.db": rps, p50, p99, requests, errors, error note.
declare -A RPS P50 P99 REQS ERRS NOTE
failed_runs=()

# run_wrk KEY CONNECTIONS SECONDS WRK_ARGS...: one measurement; records its figures under KEY.
run_wrk() {
    local key=$1 conns=$2 secs=$3
    shift 3
    local out="$work/wrk-$key.txt"
    wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --timeout 10s --latency "$@" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed for $key"; }
    local line
    line=$(grep '^BENCH ' "$out" | tail -n1) || { cat "$out" >&2; die "no report line from wrk for $key"; }
    local requests rps p50 p99 non2xx sock unexpected
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
    rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
    p50=$(sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
    non2xx=$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' <<<"$line")
    sock=$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$line")
    unexpected=$(sed -n 's/.* unexpected=\([0-9]*\).*/\1/p' <<<"$line")
    # A non-2xx status is also "unexpected"; count each bad response once.
    local errors=$((unexpected > non2xx ? unexpected : non2xx))
    errors=$((errors + sock))
    RPS[$key]=$rps P50[$key]=$p50 P99[$key]=$p99 REQS[$key]=$requests ERRS[$key]=$errors NOTE[$key]=
    printf '    %-22s requests=%s rps=%s p50=%sms p99=%sms errors=%s\n' "$key" "$requests" "$rps" "$p50" "$p99" "$errors" >&2
    if [ "$errors" -gt 0 ]; then
        local statuses first
        statuses=$(sed -n 's/^BENCH_STATUSES //p' "$out")
        first=$(sed -n 's/^BENCH_FIRST_ERROR //p' "$out")
        NOTE[$key]="statuses: ${statuses:-?}; socket errors: $sock"
        printf '\n    !!!!! %s: %s of %s responses were errors (%s)\n' "$key" "$errors" "$requests" "${NOTE[$key]}" >&2
        [ -z "$first" ] || printf '    !!!!! first error: %s\n' "$first" >&2
        grep -E '^ *(Socket errors|Non-2xx)' "$out" >&2 || true
        # More than 1% errors fails the whole run (after the summary).
        if [ $((errors * 100)) -gt "$requests" ]; then failed_runs+=("$key"); fi
    fi
}

prison_id=
avail_url=
static_done=

# bench_service DB: start the service on DB, measure availability then creation, stop it.
bench_service() {
    local db=$1 url port log pid
    if [ "$db" = sqlite ]; then
        mkdir -p "$work/sqlite"
        url="sqlite://$work/sqlite/bench.db?mode=rwc"
    else
        psql "$pg_url/postgres" -qAtc "CREATE DATABASE $pg_db" >/dev/null || die "cannot create database $pg_db"
        pg_created=1
        url="$pg_url/$pg_db"
    fi
    port=$(free_port)
    log="$work/service-$db.log"
    say "$db: starting the service on port $port"
    DATABASE_URL=$url PORT=$port DEMO_DATA=true OUTBOX_WORKER=${BENCH_OUTBOX_WORKER:-false} RUST_LOG=warn \
        WEBHOOKS_WORKER=${BENCH_WEBHOOKS_WORKER:-false} WEBHOOKS_ALLOW_LOOPBACK=true \
        VISIT_REQUEST_LIMIT_PER_ADDRESS=0 VISIT_REQUEST_LIMIT_PER_PRISONER=0 VISIT_REQUEST_LIMIT_PER_EMAIL=0 LOG_FORMAT=json STATIC_DIR=/nonexistent \
        "$service_bin" serve >"$log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_ready "$pid" "http://127.0.0.1:$port/api/v1/ready" "$log"

    local base="http://127.0.0.1:$port/api/v1"
    # Port 9 (discard): nothing is sent unless BENCH_WEBHOOKS_WORKER=true, and then every try fails fast.
    bench_subscribe "$base" "$subscriptions" "http://127.0.0.1:9/hook"
    curl -sf "$base/prisons" >"$work/prisons-$db.json" || die "GET /api/v1/prisons failed on $db"
    prison_id=$(python3 -c 'import json, sys
name = sys.argv[2]
ids = [p["id"] for p in json.load(open(sys.argv[1])) if p["name"] == name]
print(ids[0] if ids else "")' "$work/prisons-$db.json" "$prison_name")
    [ -n "$prison_id" ] || die "no prison named '$prison_name' on $db (is DEMO_DATA seeding working?)"
    avail_url="$base/prisons/$prison_id/availability"
    curl -sf "$avail_url" >"$work/availability-$db.json" || die "GET $avail_url failed on $db"
    local nslots
    nslots=$(python3 "$helpers/slots_to_lua.py" "$work/availability-$db.json" "$work/slots-$db.lua") ||
        die "could not read the available slots from $work/availability-$db.json"
    echo "    prison $prison_id, availability $(wc -c <"$work/availability-$db.json") bytes, $nslots available slots" >&2

    if [[ "$kinds" == *" availability "* ]]; then
        say "$db: availability, $avail_conns connections, ${seconds}s (after ${warmup}s warm-up)"
        wrk -t"$wrk_threads" -c"$avail_conns" -d"${warmup}s" "$avail_url" >/dev/null 2>&1 || true
        run_wrk "availability.$db" "$avail_conns" "$seconds" -s "$helpers/availability.lua" "$avail_url"
    fi

    if [[ "$kinds" == *" create "* ]]; then
        say "$db: creating visit requests, $create_clients clients, ${seconds}s"
        run_wrk "create.$db" "$create_clients" "$seconds" -s "$helpers/create.lua" "http://127.0.0.1:$port" \
            -- "$work/slots-$db.lua" "$prison_id" "$db$$"
    fi
    if grep -q '"level":"ERROR"' "$log"; then
        echo "    the service logged errors on $db; the first ones:" >&2
        grep '"level":"ERROR"' "$log" | head -n 3 >&2
    fi
    stop "$pid"

    # The static baseline serves the availability bytes measured first, once per run, with the service stopped.
    if [ -z "$static_done" ] && [[ "$kinds" == *" availability "* ]]; then
        static_baseline "$work/availability-$db.json"
        static_done=1
    fi
}

static_baseline() {
    local file=$1 port log pid
    port=$(free_port)
    log="$work/static-baseline.log"
    say "static baseline: the same $(wc -c <"$file") bytes from a bare actix-web server, $avail_conns connections, ${seconds}s"
    PORT=$port "$static_bin" "$file" >"$log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_ready "$pid" "http://127.0.0.1:$port/ready" "$log"
    wrk -t"$wrk_threads" -c"$avail_conns" -d"${warmup}s" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
    run_wrk "availability.static" "$avail_conns" "$seconds" -s "$helpers/availability.lua" \
        "http://127.0.0.1:$port/api/v1/prisons/$prison_id/availability"
    stop "$pid"
}

for db in "${dbs[@]}"; do
    bench_service "$db"
done

pg_tps=
if [[ " ${dbs[*]} " == *" postgres "* ]] && [[ "$kinds" == *" create "* ]] && [ "${BENCH_PGBENCH:-1}" != 0 ]; then
    say "pgbench baseline: $pg_baseline create $create_clients $seconds"
    baseline_out=$(bash "$pg_baseline" create "$create_clients" "$seconds") || die "the pgbench baseline failed"
    echo "    $baseline_out" >&2
    pg_tps=$(sed -n 's/.*tps=\([0-9.]*\).*/\1/p' <<<"$baseline_out")
    [ -n "$pg_tps" ] || die "could not read tps from the baseline's output: $baseline_out"
    pg_tps=$(printf '%.1f' "$pg_tps")
fi

# ---- summary ------------------------------------------------------------------------------------------------------
lt() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$1" "$2"; }

missed=0
lines=()
for db in "${dbs[@]}"; do
    [[ "$kinds" == *" availability "* ]] || continue
    k=availability.$db
    p=$(pct "${RPS[$k]}" "${RPS[availability.static]}")
    verdict=ok
    if [ "$p" -lt 40 ] || ! lt "${P99[$k]}" 50; then verdict=MISSED; missed=1; fi
    lines+=("$(printf 'availability %-8s rps=%-8s p50=%sms p99=%sms | static baseline rps=%s -> %s%% of baseline (target >=40%%, p99 target <50ms) [%s]' \
        "$db" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${RPS[availability.static]}" "$p" "$verdict")")
done
for db in "${dbs[@]}"; do
    [[ "$kinds" == *" create "* ]] || continue
    k=create.$db
    if [ "$db" = postgres ] && [ -n "$pg_tps" ]; then
        p=$(pct "${RPS[$k]}" "$pg_tps")
        verdict=ok
        if [ "$p" -lt 50 ]; then verdict=MISSED; missed=1; fi
        lines+=("$(printf 'create       %-8s rps=%-8s p50=%sms p99=%sms | pgbench create tps=%s -> %s%% of baseline (target >=50%%) [%s]' \
            "$db" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "$pg_tps" "$p" "$verdict")")
    elif [ "$db" = postgres ]; then
        lines+=("$(printf 'create       %-8s rps=%-8s p50=%sms p99=%sms | pgbench baseline skipped (BENCH_PGBENCH=0)' \
            "$db" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}")")
    else
        lines+=("$(printf 'create       %-8s rps=%-8s p50=%sms p99=%sms | no SQLite baseline (pgbench is PostgreSQL only)' \
            "$db" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}")")
    fi
done

echo
echo "Prison Visit Booking benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${seconds}s per measurement," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for line in "${lines[@]}"; do echo "$line"; done
for k in "${!ERRS[@]}"; do
    if [ "${ERRS[$k]}" -gt 0 ]; then
        echo "!!! $k: ${ERRS[$k]} of ${REQS[$k]} responses were errors (${NOTE[$k]})"
    fi
done
if [ "${#failed_runs[@]}" -gt 0 ]; then
    echo "!!! FAILED: more than 1% errors in: ${failed_runs[*]} -- the figures above are not valid"
    exit 1
fi
if [ "$missed" = 1 ] && [ -n "${BENCH_STRICT:-}" ]; then
    echo "a target was missed (BENCH_STRICT is set)" >&2
    exit 3
fi
