#!/usr/bin/env bash
# Benchmark webhooks on loopback, on SQLite and PostgreSQL, each figure beside a baseline measured in the same run.
#
#   scripts/bench-webhooks.sh                  both parts, both databases: about 6-8 minutes after the build
#   BENCH_DB=sqlite BENCH_WEBHOOK_PARTS=delivery scripts/bench-webhooks.sh
#
# What it measures (see docs/benchmarks.md, "Webhooks"):
#   delivery   webhook deliveries per second from the service's own delivery worker to a small fast receiver on
#              loopback (scripts/bench-webhooks/receiver.mjs, Node: 204 at once, counts). With the worker off,
#              BENCH_WEBHOOK_EVENTS visit requests are made through the API (scripts/bench-webhooks/fill.py: one
#              `visit.requested` event each) for 1, then 5 subscriptions (every event, every prison); then the
#              service is restarted with the worker on and the receiver times the first to the last delivery. Every
#              delivery must arrive (count and distinct webhook-ids checked). Baseline: the same receiver hammered
#              directly by wrk with the same kind of POST (same body size, the three webhook headers) at
#              WEBHOOKS_CONCURRENCY connections: what the receiver and loopback manage with no service in between.
#   overhead   create-visit (scripts/bench.sh, BENCH_KINDS=create, both databases) and staff-decide throughput
#              (scripts/bench-decide.sh, spread, PostgreSQL only: that tool has no SQLite mode) with 5 webhook
#              subscriptions (every event, every prison) against none. Runs alternate without/with (and the order
#              flips each round) so that load from other processes hits both. Target: with >= 90% of without.
#
# Environment:
#   BENCH_DB             both (default) | sqlite | postgres
#   BENCH_WEBHOOK_PARTS  "delivery overhead" (default), or one of them
#   BENCH_WEBHOOK_EVENTS events queued for the delivery part (default 2000)
#   BENCH_WEBHOOK_SUBS   subscription counts for the delivery part (default "1 5")
#   BENCH_WEBHOOK_ROUNDS rounds of without/with for the overhead part (default 2)
#   BENCH_SECONDS        seconds per load measurement (default 8): the baseline, and each create/decide run
#   WEBHOOKS_CONCURRENCY the worker's concurrency, passed to the service, and the baseline's connections (default 8)
#   BENCH_PG_URL, BENCH_SKIP_BUILD, BENCH_KEEP, BENCH_STRICT: as for scripts/bench.sh
#
# Exit status: 0 when every run was clean; 1 when a delivery went missing, a step failed or a run had errors; 3 with
# BENCH_STRICT=1 and a missed target.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
helpers="$root/scripts/bench-webhooks"
seconds=${BENCH_SECONDS:-8}
which_db=${BENCH_DB:-both}
parts=" ${BENCH_WEBHOOK_PARTS:-delivery overhead} "
events=${BENCH_WEBHOOK_EVENTS:-2000}
sub_counts=${BENCH_WEBHOOK_SUBS:-1 5}
rounds=${BENCH_WEBHOOK_ROUNDS:-2}
concurrency=${WEBHOOKS_CONCURRENCY:-8}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
target_dir=${CARGO_TARGET_DIR:-$root/target}
overhead_subs=5
overhead_target=90
delivery_timeout=300

bench_name=bench-webhooks.sh
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

for n in "$seconds" "$events" "$rounds" "$concurrency"; do
    case "$n" in '' | *[!0-9]* | 0) die "BENCH_SECONDS, BENCH_WEBHOOK_EVENTS, BENCH_WEBHOOK_ROUNDS and WEBHOOKS_CONCURRENCY must be positive whole numbers" ;; esac
done
case "$which_db" in
both) dbs=(sqlite postgres) ;;
sqlite) dbs=(sqlite) ;;
postgres) dbs=(postgres) ;;
*) die "BENCH_DB must be both, sqlite or postgres, got '$which_db'" ;;
esac
case "$parts" in *" delivery "* | *" overhead "*) ;; *) die "BENCH_WEBHOOK_PARTS must name delivery and/or overhead" ;; esac

# ---- tools --------------------------------------------------------------------------------------------------------
need_wrk
for tool in curl python3 node cargo; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required but not on PATH"
done
if [[ " ${dbs[*]} " == *" postgres "* ]]; then
    need_postgresql_client
    psql "$pg_url/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 ||
        die "cannot connect to PostgreSQL at $pg_url/postgres (set BENCH_PG_URL, or use BENCH_DB=sqlite)"
fi

bench_workspace pvb-bench-webhooks pvb_hooks

# ---- build --------------------------------------------------------------------------------------------------------
if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
    say "BENCH_SKIP_BUILD is set: using the release binaries already in $target_dir/release"
else
    say "building the release binaries (cargo build --release -p api --bins)"
    (cd "$root" && cargo build --release -p api --bins) >&2 || die "the release build failed"
fi
service_bin="$target_dir/release/prison-visits"
[ -x "$service_bin" ] || die "$service_bin not found after the build (is CARGO_TARGET_DIR right?)"

declare -A DPS BASE_RPS OVER
failed=()

# ---- delivery: the receiver, its baseline, and the worker --------------------------------------------------------
receiver_port=
start_receiver() {
    receiver_port=$(free_port)
    node "$helpers/receiver.mjs" "$receiver_port" >"$work/receiver.log" 2>&1 &
    pids+=("$!")
    wait_ready_receiver
}
wait_ready_receiver() {
    local i
    for i in $(seq 1 80); do
        curl -sf --max-time 1 "http://127.0.0.1:$receiver_port/stats" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    die "the receiver did not start (see $work/receiver.log)"
}
stats() { curl -sf --max-time 5 "http://127.0.0.1:$receiver_port/stats"; }
stat_field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
reset_receiver() { curl -sf --max-time 5 -X POST "http://127.0.0.1:$receiver_port/reset" >/dev/null; }

# receiver_baseline: wrk at $concurrency connections POSTing a payload like the worker's, straight to the receiver.
receiver_baseline() {
    python3 - "$work/payload.json" <<'PY'
import json, sys
data = {"visit_id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "reference": "ABCD2345",
        "prison_id": "0b8e2f4c-1a3d-4e5f-8a6b-7c9d0e1f2a3b", "state": "requested", "version": 0, "actor": "visitor"}
json.dump({"type": "visit.requested", "version": 1, "timestamp": "2026-12-01T10:15:00.000Z", "data": data},
          open(sys.argv[1], "w"), separators=(",", ":"))
PY
    reset_receiver
    say "receiver baseline: wrk, $concurrency connections, ${seconds}s, straight to the receiver"
    local out="$work/wrk-receiver.txt"
    wrk -t2 -c"$concurrency" -d"${seconds}s" --timeout 10s -s "$helpers/baseline.lua" \
        "http://127.0.0.1:$receiver_port/hook" -- "$work/payload.json" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
    local line rps unexpected
    line=$(grep '^BENCH ' "$out" | tail -n1) || { cat "$out" >&2; die "no report line from wrk"; }
    rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
    unexpected=$(sed -n 's/.* unexpected=\([0-9]*\).*/\1/p' <<<"$line")
    echo "    $line" >&2
    [ "${unexpected:-1}" = 0 ] || { failed+=("receiver-baseline"); }
    BASE_RPS[receiver]=$rps
}

# start_service DB URL WORKER LOG: the service with the webhook worker on or off; sets $service_pid and $base.
start_service() {
    local db=$1 url=$2 worker=$3 log=$4 port
    port=$(free_port)
    DATABASE_URL=$url PORT=$port DEMO_DATA=true OUTBOX_WORKER=false RUST_LOG=warn LOG_FORMAT=json \
        STATIC_DIR=/nonexistent VISIT_REQUEST_LIMIT_PER_ADDRESS=0 VISIT_REQUEST_LIMIT_PER_PRISONER=0 \
        VISIT_REQUEST_LIMIT_PER_EMAIL=0 WEBHOOKS_WORKER=$worker WEBHOOKS_ALLOW_LOOPBACK=true \
        WEBHOOKS_CONCURRENCY=$concurrency "$service_bin" serve >"$log" 2>&1 &
    service_pid=$!
    pids+=("$service_pid")
    wait_ready "$service_pid" "http://127.0.0.1:$port/api/v1/ready" "$log"
    base="http://127.0.0.1:$port/api/v1"
}

# delivery DB SUBS: queue $events events for SUBS subscriptions with the worker off, then time their delivery.
delivery() {
    local db=$1 subs=$2 url key="$1.$2" fill_s expected deadline s count ids first last
    if [ "$db" = sqlite ]; then
        mkdir -p "$work/sqlite-$subs"
        url="sqlite://$work/sqlite-$subs/bench.db?mode=rwc"
    else
        psql "$pg_url/postgres" -qAtc "DROP DATABASE IF EXISTS ${pg_db} WITH (FORCE)" >/dev/null 2>&1 || true
        psql "$pg_url/postgres" -qAtc "CREATE DATABASE ${pg_db}" >/dev/null || die "cannot create database ${pg_db}"
        pg_created=1
        url="$pg_url/${pg_db}"
    fi
    say "$db, $subs subscription(s): queueing $events visit requests with the worker off"
    start_service "$db" "$url" false "$work/service-$key-fill.log"
    bench_subscribe "$base" "$subs" "http://127.0.0.1:$receiver_port/hook"
    local prison_id
    prison_id=$(curl -sf "$base/prisons" | python3 -c 'import json, sys; print([p["id"] for p in json.load(sys.stdin) if p["name"] == "HMP Leeds (demo)"][0])') ||
        die "no HMP Leeds (demo) on $db"
    curl -sf "$base/prisons/$prison_id/availability" >"$work/availability-$key.json" || die "no availability on $db"
    fill_s=$(python3 "$helpers/fill.py" "$base" "$prison_id" "$work/availability-$key.json" "$events") ||
        die "could not make the visit requests on $db"
    echo "    $events requests in ${fill_s}s" >&2
    stop "$service_pid"

    expected=$((events * subs))
    reset_receiver
    say "$db, $subs subscription(s): the worker delivers $expected webhooks"
    start_service "$db" "$url" true "$work/service-$key-deliver.log"
    deadline=$(($(date +%s) + delivery_timeout))
    while :; do
        s=$(stats)
        count=$(stat_field "$s" count)
        [ "$count" -lt "$expected" ] || break
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "    !!!!! only $count of $expected deliveries within ${delivery_timeout}s" >&2
            failed+=("delivery.$key")
            break
        fi
        sleep 0.5
    done
    sleep 1 # anything sent twice would arrive now
    s=$(stats)
    stop "$service_pid"
    count=$(stat_field "$s" count)
    ids=$(stat_field "$s" ids)
    first=$(stat_field "$s" first_ms)
    last=$(stat_field "$s" last_ms)
    if [ "$ids" != "$expected" ]; then
        echo "    !!!!! $ids distinct deliveries arrived, $expected expected" >&2
        [[ " ${failed[*]} " == *" delivery.$key "* ]] || failed+=("delivery.$key")
    fi
    DPS[$key]=$(python3 -c 'import sys; c, f, l = map(float, sys.argv[1:]); print(f"{(c - 1) * 1000 / (l - f):.1f}" if l > f else "0")' \
        "$count" "$first" "$last")
    echo "    $count requests ($ids distinct) in $(python3 -c "print(f'{($last - $first) / 1000:.2f}')")s: ${DPS[$key]} deliveries/s" >&2
    if grep -q '"level":"ERROR"' "$work/service-$key-deliver.log"; then
        grep '"level":"ERROR"' "$work/service-$key-deliver.log" | head -n 3 >&2
    fi
    if [ "$db" = postgres ]; then
        psql "$pg_url/postgres" -qAtc "DROP DATABASE IF EXISTS ${pg_db} WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}

if [[ "$parts" == *" delivery "* ]]; then
    start_receiver
    receiver_baseline
    for db in "${dbs[@]}"; do
        for subs in $sub_counts; do
            delivery "$db" "$subs"
        done
    done
    receiver_baseline_after=${BASE_RPS[receiver]}
    receiver_baseline
    BASE_RPS[receiver]=$(python3 -c 'import sys; print(f"{(float(sys.argv[1]) + float(sys.argv[2])) / 2:.1f}")' \
        "$receiver_baseline_after" "${BASE_RPS[receiver]}")
fi

# ---- overhead: create and decide with and without subscriptions --------------------------------------------------
# over KEY VALUE: add one run's requests per second to KEY's list.
over() { OVER[$1]="${OVER[$1]:-} $2"; }

overhead_run() {
    local subs=$1 out
    say "overhead: $subs webhook subscription(s): create ($which_db)"
    out=$(BENCH_KINDS=create BENCH_PGBENCH=0 BENCH_SKIP_BUILD=1 BENCH_SECONDS=$seconds BENCH_DB=$which_db \
        BENCH_WEBHOOK_SUBSCRIPTIONS=$subs BENCH_PG_URL=$pg_url "$root/scripts/bench.sh" 2>"$work/overhead-create-$subs-$round.log") ||
        { tail -n 20 "$work/overhead-create-$subs-$round.log" >&2; die "scripts/bench.sh failed"; }
    local db rps
    for db in "${dbs[@]}"; do
        rps=$(sed -n "s/^create *$db *rps=\([0-9.]*\).*/\1/p" <<<"$out")
        [ -n "$rps" ] || die "no create figure for $db in: $out"
        echo "    create $db with $subs: $rps rps" >&2
        over "create.$db.$subs" "$rps"
    done
    if [[ " ${dbs[*]} " == *" postgres "* ]]; then
        say "overhead: $subs webhook subscription(s): decide spread (postgres)"
        out=$(BENCH_DECIDE_KINDS=spread BENCH_PGBENCH=0 BENCH_SKIP_BUILD=1 BENCH_SECONDS=$seconds \
            BENCH_WEBHOOK_SUBSCRIPTIONS=$subs BENCH_PG_URL=$pg_url "$root/scripts/bench-decide.sh" 2>"$work/overhead-decide-$subs-$round.log") ||
            { tail -n 20 "$work/overhead-decide-$subs-$round.log" >&2; die "scripts/bench-decide.sh failed"; }
        rps=$(sed -n "s/^decide spread *postgres rps=\([0-9.]*\).*/\1/p" <<<"$out")
        [ -n "$rps" ] || die "no decide figure in: $out"
        echo "    decide spread postgres with $subs: $rps rps" >&2
        over "decide.postgres.$subs" "$rps"
    fi
}

if [[ "$parts" == *" overhead "* ]]; then
    for round in $(seq 1 "$rounds"); do
        if [ $((round % 2)) = 1 ]; then order="0 $overhead_subs"; else order="$overhead_subs 0"; fi
        for subs in $order; do overhead_run "$subs"; done
    done
fi

# ---- summary ------------------------------------------------------------------------------------------------------
mean() { python3 -c 'import sys; v = [float(x) for x in sys.argv[1:]]; print(f"{sum(v) / len(v):.1f}")' "$@"; }
missed=0
echo
echo "Prison Visit Booking webhooks benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg), ${seconds}s per load run"
if [[ "$parts" == *" delivery "* ]]; then
    for db in "${dbs[@]}"; do
        for subs in $sub_counts; do
            k=$db.$subs
            printf 'deliver  %-8s events=%-5s subscriptions=%s deliveries/s=%-8s | receiver baseline rps=%s (wrk, %s connections) -> %s%% of baseline\n' \
                "$db" "$events" "$subs" "${DPS[$k]:-?}" "${BASE_RPS[receiver]}" "$concurrency" "$(pct "${DPS[$k]:-0}" "${BASE_RPS[receiver]}")"
        done
    done
fi
if [[ "$parts" == *" overhead "* ]]; then
    for k in create.sqlite create.postgres decide.postgres; do
        db=${k#*.}
        [[ " ${dbs[*]} " == *" $db "* ]] || continue
        # shellcheck disable=SC2086
        without=$(mean ${OVER[$k.0]})
        # shellcheck disable=SC2086
        with=$(mean ${OVER[$k.$overhead_subs]})
        p=$(pct "$with" "$without")
        verdict=ok
        if [ "$p" -lt "$overhead_target" ]; then verdict=MISSED; missed=1; fi
        printf '%-8s %-8s with %s subscriptions rps=%-8s (runs:%s) | without rps=%-8s (runs:%s) -> %s%% (target >=%s%%) [%s]\n' \
            "${k%%.*}" "$db" "$overhead_subs" "$with" "${OVER[$k.$overhead_subs]}" "$without" "${OVER[$k.0]}" "$p" \
            "$overhead_target" "$verdict"
    done
fi
if [ "${#failed[@]}" -gt 0 ]; then
    echo "!!! FAILED: ${failed[*]} -- the figures above are not valid"
    exit 1
fi
if [ "$missed" = 1 ] && [ -n "${BENCH_STRICT:-}" ]; then
    echo "a target was missed (BENCH_STRICT is set)" >&2
    exit 3
fi
