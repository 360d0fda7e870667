#!/usr/bin/env bash
# Benchmark staff decisions (POST /api/v1/staff/visits/{id}/decision, "grant") on PostgreSQL, each figure beside a
# pgbench baseline measured in the same run on the same server.
#
#   scripts/bench-decide.sh               15 s per measurement (about 3 minutes after the build)
#   BENCH_SECONDS=10 scripts/bench-decide.sh
#
# What it measures (see docs/benchmarks.md, "Staff decisions"):
#   decide spread  32 connections, each request grants a DIFFERENT requested visit into the one slot it chose, the
#                  visits spread at random over every available slot of "HMP Leeds (demo)" (its timetable is replaced
#                  through the API by 10 slots a day, every day, with the 1,000 places the API allows, then raised to
#                  1,000,000 places in SQL: about 280 concrete slots), against
#                  `pg-baseline.sh decide-spread 32 SECONDS`. Target: >= 50% of the pgbench tps.
#   decide hot     the same, every visit on ONE slot (all decisions contend for one capacity counter), against
#                  `pg-baseline.sh decide-hot 32 SECONDS`. Target: >= 70% of the pgbench tps.
#   Every response must be 200. The requested visits are made before each run: one through POST /api/v1/visits, the
#   rest copied from it in SQL (scripts/bench-decide/seed.sql), as many as the run can use.
#
# Environment:
#   BENCH_SECONDS  seconds per measurement (default 15); each load test also gets a 3 s warm-up
#   BENCH_PG_URL   PostgreSQL server for the service (default postgres://postgres@127.0.0.1:5432); a database
#                  pvb_decide_<pid> is created there and dropped at exit. The pgbench baseline uses the libpq
#                  variables PGHOST/PGPORT/PGUSER/PGPASSWORD (defaults 127.0.0.1, 5432, postgres).
#   PG_BASELINE    the pgbench baseline script (default ../shared/bench/pg-baseline.sh from the project root)
#   BENCH_DECIDE_RATE  decisions per second to make visits for (default 2500): each run gets
#                  RATE x BENCH_SECONDS visits plus those of the warm-up; if a run uses them all it fails with a
#                  message saying to raise it
#   BENCH_SKIP_BUILD=1  use the release binary already built (by default `cargo build --release -p api --bins` runs
#                  first; binaries in $CARGO_TARGET_DIR/release, default target/release)
#   WORKERS        actix worker threads for the service (default: one per core)
#   BENCH_STRICT=1 also exit 3 when a target is missed (by default only errors fail the run)
#   BENCH_KEEP=1   keep the work directory (wrk outputs, service log, visit lists) and print its path
#   BENCH_DECIDE_KINDS  "spread hot" (default), or one of them
#   BENCH_PGBENCH=0  skip the pgbench baselines (figures printed without a ratio)
#   BENCH_WEBHOOK_SUBSCRIPTIONS  webhook subscriptions (every event, every prison) to create before measuring
#                  (default 0); their deliveries are written with each decision but not sent (WEBHOOKS_WORKER=false
#                  unless BENCH_WEBHOOKS_WORKER=true)
#
# Exit status: 0 when every run was clean; 1 when more than 1% of the responses in any run were errors (anything
# other than 200, or socket errors/timeouts), when a run ran out of visits, or when a step failed; 3 with
# BENCH_STRICT=1 and a missed target.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
helpers="$root/scripts/bench-decide"
seconds=${BENCH_SECONDS:-15}
rate=${BENCH_DECIDE_RATE:-2500}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
pg_baseline=${PG_BASELINE:-$root/../shared/bench/pg-baseline.sh}
target_dir=${CARGO_TARGET_DIR:-$root/target}
prison_name="HMP Leeds (demo)"
staff_email=admin@demo.example
staff_password=demo-visits-password
api_capacity=1000  # the most places the timetable API accepts for a slot
capacity=1000000   # what the slots then get, in SQL, so that one slot takes every decision of the hot run
slots_per_day=10
conns=32
wrk_threads=2
warmup=3
warmup_visits=$((rate * warmup))

bench_name=bench-decide.sh
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

case "$seconds" in '' | *[!0-9]* | 0) die "BENCH_SECONDS must be a positive whole number of seconds, got '$seconds'" ;; esac
case "$rate" in '' | *[!0-9]* | 0) die "BENCH_DECIDE_RATE must be a positive whole number, got '$rate'" ;; esac
kinds=" ${BENCH_DECIDE_KINDS:-spread hot} "
case "$kinds" in *" spread "* | *" hot "*) ;; *) die "BENCH_DECIDE_KINDS must name spread and/or hot, got '$kinds'" ;; esac
subscriptions=${BENCH_WEBHOOK_SUBSCRIPTIONS:-0}
case "$subscriptions" in '' | *[!0-9]*) die "BENCH_WEBHOOK_SUBSCRIPTIONS must be a whole number, got '$subscriptions'" ;; esac
run_visits=$((warmup_visits + rate * seconds))

# ---- tools --------------------------------------------------------------------------------------------------------
need_wrk
need_postgresql_client
for tool in curl python3 cargo; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required but not on PATH"
done
[ -f "$pg_baseline" ] || die "pgbench baseline script not found at $pg_baseline (set PG_BASELINE)"
psql "$pg_url/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 || die "cannot connect to PostgreSQL at $pg_url/postgres (set BENCH_PG_URL)"

# ---- clean-up -----------------------------------------------------------------------------------------------------
bench_workspace pvb-bench-decide pvb_decide

# api METHOD PATH EXPECTED_STATUS OUT [BODY_FILE]: one JSON call to the service, as the signed-in member of staff
# once $token is set; fails the run (with the response) on any other status.
api() {
    local method=$1 path=$2 expected=$3 out=$4 body=${5:-} status
    local args=(-s -o "$out" -w '%{http_code}' --max-time 30 -X "$method" -H 'Content-Type: application/json')
    [ -z "${token:-}" ] || args+=(-H "Authorization: Bearer $token")
    [ -z "$body" ] || args+=(--data-binary "@$body")
    status=$(curl "${args[@]}" "$base$path" || true)
    if [ "$status" != "$expected" ]; then
        head -c 1000 "$out" >&2 2>/dev/null || true
        die "$method $path answered ${status:-nothing}, expected $expected (response above)"
    fi
}

json_get() { # json_get FILE EXPR: a value from a JSON file (EXPR applied to `d`)
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- build --------------------------------------------------------------------------------------------------------
if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
    say "BENCH_SKIP_BUILD is set: using the release binary already in $target_dir/release"
else
    say "building the release binaries (cargo build --release -p api --bins)"
    (cd "$root" && cargo build --release -p api --bins) >&2 || die "the release build failed"
fi
service_bin="$target_dir/release/prison-visits"
[ -x "$service_bin" ] || die "$service_bin not found after the build (is CARGO_TARGET_DIR right?)"

# ---- the service and its data -------------------------------------------------------------------------------------
db_url="$pg_url/$pg_db"
psql "$pg_url/postgres" -qAtc "CREATE DATABASE $pg_db" >/dev/null || die "cannot create database $pg_db"
pg_created=1
port=$(free_port)
log="$work/service.log"
secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
say "starting the service on port $port (database $pg_db)"
DATABASE_URL=$db_url PORT=$port DEMO_DATA=true OUTBOX_WORKER=${BENCH_OUTBOX_WORKER:-false} RUST_LOG=warn \
    WEBHOOKS_WORKER=${BENCH_WEBHOOKS_WORKER:-false} WEBHOOKS_ALLOW_LOOPBACK=true \
    VISIT_REQUEST_LIMIT_PER_ADDRESS=0 VISIT_REQUEST_LIMIT_PER_PRISONER=0 VISIT_REQUEST_LIMIT_PER_EMAIL=0 LOG_FORMAT=json STATIC_DIR=/nonexistent \
    SECRET_KEY=$secret "$service_bin" serve >"$log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
wait_ready "$service_pid" "http://127.0.0.1:$port/api/v1/ready" "$log"
base="http://127.0.0.1:$port/api/v1"
token=

api GET /prisons 200 "$work/prisons.json"
# Port 9 (discard): nothing is sent unless BENCH_WEBHOOKS_WORKER=true, and then every try fails fast.
bench_subscribe "$base" "$subscriptions" "http://127.0.0.1:9/hook"
prison_id=$(json_get "$work/prisons.json" "([p['id'] for p in d if p['name'] == '$prison_name'] + [''])[0]")
[ -n "$prison_id" ] || die "no prison named '$prison_name' (is DEMO_DATA seeding working?)"

printf '{"email":"%s","password":"%s"}' "$staff_email" "$staff_password" >"$work/sign-in.json"
api POST /staff/sign-in 200 "$work/token.json" "$work/sign-in.json"
token=$(json_get "$work/token.json" "d['access_token']")
[ -n "$token" ] || die "no access_token in the sign-in response"

say "timetable of $prison_name: $slots_per_day slots a day, every day, $capacity places each"
api GET "/staff/prisons/$prison_id/timetable" 200 "$work/timetable.json"
python3 "$helpers/timetable.py" body "$work/timetable.json" "$api_capacity" "$slots_per_day" "$work/timetable-put.json" ||
    die "could not make the timetable body"
api PUT "/staff/prisons/$prison_id/timetable" 200 "$work/timetable-put-answer.json" "$work/timetable-put.json"
# The API refuses more than $api_capacity places a slot; a hot run of thousands of grants on one slot needs more, so
# the weekly slots just saved get $capacity places directly in SQL (and the prison's availability version moves on,
# as any timetable change does). A slot's places live on its slot_usage row once a booking or a timetable change has
# stamped them there (the change just made stamped the API's maximum), so those rows get the same places.
psql "$db_url" -qAtX -v ON_ERROR_STOP=1 >/dev/null <<SQL || die "could not raise the slots' capacity"
BEGIN;
UPDATE timetable_slot SET capacity = $capacity WHERE prison_id = '$prison_id';
UPDATE slot_usage SET capacity_open = $capacity WHERE prison_id = '$prison_id' AND capacity_open IS NOT NULL;
UPDATE prison SET availability_version = availability_version + 1 WHERE id = '$prison_id';
COMMIT;
SQL

api GET "/prisons/$prison_id/availability" 200 "$work/availability.json"
nslots=$(python3 "$helpers/timetable.py" slots "$work/availability.json" "$work/slots.csv") ||
    die "no available slot after the timetable change (see $work/availability.json)"
[ "$nslots" -ge 2 ] || die "only $nslots available slot(s): cannot spread decisions"
echo "    prison $prison_id: $nslots available slots" >&2
psql "$db_url" -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL || die "could not load the slots into bench_slot"
CREATE TABLE bench_slot(k int PRIMARY KEY, slot_date date NOT NULL, start_time time NOT NULL, end_time time NOT NULL);
\copy bench_slot FROM '$work/slots.csv' WITH (FORMAT csv)
SQL

# The template every requested visit is copied from: a real request made through the API.
IFS=, read -r _ tpl_date tpl_start tpl_end <"$work/slots.csv"
cat >"$work/template.json" <<JSON
{"prison_id":"$prison_id","prisoner":{"first_name":"John","last_name":"Bench","date_of_birth":"1985-04-12","number":"A1234BC"},
 "lead_visitor":{"first_name":"Mary","last_name":"Bench","date_of_birth":"1980-07-01","email":"bench@example.com","phone":"07700 900123"},
 "other_visitors":[],"slots":[{"date":"$tpl_date","start":"$tpl_start","end":"$tpl_end"}],"locale":"en"}
JSON
token_saved=$token
token=
api POST /visits 201 "$work/template-answer.json" "$work/template.json"
token=$token_saved
tpl_id=$(json_get "$work/template-answer.json" "d['id']")

# make_visits NAME HOT_K BASE: requested visits for one run; writes $work/visits-NAME.csv (id,date,start,end).
make_visits() {
    local name=$1 hot=$2 ref_base=$3 t0 t1
    t0=$(date +%s)
    psql "$db_url" -qX -v ON_ERROR_STOP=1 -v tpl="$tpl_id" -v tbl="bench_$name" -v n="$run_visits" \
        -v hot="$hot" -v base="$ref_base" -f "$helpers/seed.sql" >/dev/null || die "could not make the visits for $name"
    psql "$db_url" -qAtX -v ON_ERROR_STOP=1 -c "COPY (SELECT b.id, to_char(s.slot_date, 'YYYY-MM-DD'),
        to_char(s.start_time, 'HH24:MI'), to_char(s.end_time, 'HH24:MI') FROM bench_$name b JOIN bench_slot s USING (k)
        ORDER BY b.n) TO STDOUT WITH (FORMAT csv)" >"$work/visits-$name.csv" || die "could not list the visits for $name"
    t1=$(date +%s)
    echo "    $(wc -l <"$work/visits-$name.csv") requested visits for $name in $((t1 - t0)) s" >&2
}

# ---- measurements -------------------------------------------------------------------------------------------------
declare -A RPS P50 P99 REQS ERRS NOTE
failed_runs=()

# run_decide KEY VISITS_FILE: warm-up on the first $warmup_visits visits, then the measurement on the rest.
run_decide() {
    local key=$1 visits=$2 out="$work/wrk-$1.txt"
    wrk -t"$wrk_threads" -c"$conns" -d"${warmup}s" --timeout 10s -s "$helpers/decide.lua" "http://127.0.0.1:$port" \
        -- "$visits" 0 "$wrk_threads" "$token" "$warmup_visits" >"$work/wrk-$key-warmup.txt" 2>&1 || true
    local wline
    wline=$(grep '^BENCH ' "$work/wrk-$key-warmup.txt" | tail -n1 || true)
    echo "    warm-up: ${wline:-no report}" >&2
    wrk -t"$wrk_threads" -c"$conns" -d"${seconds}s" --timeout 10s --latency -s "$helpers/decide.lua" \
        "http://127.0.0.1:$port" -- "$visits" "$warmup_visits" "$wrk_threads" "$token" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed for $key"; }
    local line
    line=$(grep '^BENCH ' "$out" | tail -n1) || { cat "$out" >&2; die "no report line from wrk for $key"; }
    local requests rps p50 p99 non2xx sock unexpected exhausted
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$line")
    rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
    p50=$(sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$line")
    non2xx=$(sed -n 's/.* non2xx=\([0-9]*\).*/\1/p' <<<"$line")
    sock=$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$line")
    unexpected=$(sed -n 's/.* unexpected=\([0-9]*\).*/\1/p' <<<"$line")
    exhausted=$(sed -n 's/.* exhausted=\([0-9]*\).*/\1/p' <<<"$line")
    local errors=$((unexpected > non2xx ? unexpected : non2xx))
    errors=$((errors + sock))
    RPS[$key]=$rps P50[$key]=$p50 P99[$key]=$p99 REQS[$key]=$requests ERRS[$key]=$errors NOTE[$key]=
    printf '    %-16s requests=%s rps=%s p50=%sms p99=%sms errors=%s\n' "$key" "$requests" "$rps" "$p50" "$p99" "$errors" >&2
    if [ "${exhausted:-0}" -gt 0 ]; then
        printf '\n    !!!!! %s: ran out of requested visits (%s requests had none left); raise BENCH_DECIDE_RATE above %s\n' \
            "$key" "$exhausted" "$rate" >&2
        NOTE[$key]="ran out of visits: raise BENCH_DECIDE_RATE; "
        failed_runs+=("$key")
    fi
    if [ "$errors" -gt 0 ]; then
        local statuses first
        statuses=$(sed -n 's/^BENCH_STATUSES //p' "$out")
        first=$(sed -n 's/^BENCH_FIRST_ERROR //p' "$out")
        NOTE[$key]="${NOTE[$key]}statuses: ${statuses:-?}; socket errors: $sock"
        printf '\n    !!!!! %s: %s of %s responses were errors (%s)\n' "$key" "$errors" "$requests" "${NOTE[$key]}" >&2
        [ -z "$first" ] || printf '    !!!!! first error: %s\n' "$first" >&2
        grep -E '^ *(Socket errors|Non-2xx)' "$out" >&2 || true
        if [ $((errors * 100)) -gt "$requests" ] && [[ " ${failed_runs[*]} " != *" $key "* ]]; then failed_runs+=("$key"); fi
    fi
}

# baseline MODE: the pgbench figure, with the service idle (its database untouched meanwhile).
declare -A PG_TPS
baseline() {
    local mode=$1 out
    say "pgbench baseline: $pg_baseline $mode $conns $seconds"
    out=$(bash "$pg_baseline" "$mode" "$conns" "$seconds") || die "the pgbench baseline $mode failed"
    echo "    $out" >&2
    PG_TPS[$mode]=$(sed -n 's/.*tps=\([0-9.]*\).*/\1/p' <<<"$out")
    [ -n "${PG_TPS[$mode]}" ] || die "could not read tps from the baseline's output: $out"
    PG_TPS[$mode]=$(printf '%.1f' "${PG_TPS[$mode]}")
}

if [[ "$kinds" == *" spread "* ]]; then
    say "spread: $run_visits requested visits, each on a random one of the $nslots slots"
    make_visits spread 0 0
    say "decide spread: $conns connections, ${seconds}s (after ${warmup}s warm-up)"
    run_decide "decide.spread" "$work/visits-spread.csv"
    [ "${BENCH_PGBENCH:-1}" = 0 ] || baseline decide-spread
fi

# The hot slot: the middle one of the list (any would do; every slot has the same capacity).
hot_k=$(((nslots + 1) / 2))
if [[ "$kinds" == *" hot "* ]]; then
    say "hot: $run_visits requested visits, all on slot $(sed -n "${hot_k}p" "$work/slots.csv" | cut -d, -f2-)"
    make_visits hot "$hot_k" $((run_visits + 1))
    say "decide hot: $conns connections, ${seconds}s (after ${warmup}s warm-up)"
    run_decide "decide.hot" "$work/visits-hot.csv"
    [ "${BENCH_PGBENCH:-1}" = 0 ] || baseline decide-hot
fi

if grep -q '"level":"ERROR"' "$log"; then
    echo "    the service logged errors; the first ones:" >&2
    grep '"level":"ERROR"' "$log" | head -n 3 >&2
fi
# The hot slot's counter must equal the visits booked into it, by both runs (no place lost or counted twice).
booked=$(psql "$db_url" -qAtX -c "SELECT u.booked_open FROM slot_usage u JOIN bench_slot s ON (u.slot_date, u.start_time, u.end_time)
    = (s.slot_date, s.start_time, s.end_time) WHERE s.k = $hot_k AND u.prison_id = '$prison_id'" || true)
granted=$(psql "$db_url" -qAtX -c "SELECT count(*) FROM visit v JOIN bench_slot s ON (v.booked_date, v.booked_start, v.booked_end)
    = (s.slot_date, s.start_time, s.end_time) WHERE s.k = $hot_k AND v.prison_id = '$prison_id' AND v.state = 'booked'" || true)
echo "    hot slot: $granted visits booked into it, its counter booked_open=${booked:-?}" >&2
counter_ok=1
[ "${booked:-0}" = "$granted" ] || counter_ok=
stop "$service_pid"

# ---- summary ------------------------------------------------------------------------------------------------------

missed=0
lines=()
for spec in "spread decide-spread 50" "hot decide-hot 70"; do
    read -r kind mode target <<<"$spec"
    [[ "$kinds" == *" $kind "* ]] || continue
    k=decide.$kind
    if [ -z "${PG_TPS[$mode]:-}" ]; then
        lines+=("$(printf 'decide %-6s postgres rps=%-8s p50=%sms p99=%sms errors=%s | pgbench baseline skipped (BENCH_PGBENCH=0)' \
            "$kind" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${ERRS[$k]}")")
        continue
    fi
    p=$(pct "${RPS[$k]}" "${PG_TPS[$mode]}")
    verdict=ok
    if [ "$p" -lt "$target" ]; then verdict=MISSED; missed=1; fi
    lines+=("$(printf 'decide %-6s postgres rps=%-8s p50=%sms p99=%sms errors=%s | pgbench %s tps=%s -> %s%% of baseline (target >=%s%%) [%s]' \
        "$kind" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${ERRS[$k]}" "$mode" "${PG_TPS[$mode]}" "$p" "$target" "$verdict")")
done

echo
echo "Prison Visit Booking staff decisions benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
    "${seconds}s per measurement, $conns connections, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for line in "${lines[@]}"; do echo "$line"; done
for k in "${!ERRS[@]}"; do
    if [ "${ERRS[$k]}" -gt 0 ] || [ -n "${NOTE[$k]}" ]; then
        echo "!!! $k: ${ERRS[$k]} of ${REQS[$k]} responses were errors (${NOTE[$k]})"
    fi
done
if [ -z "$counter_ok" ]; then
    echo "!!! the hot slot's counter (booked_open=${booked:-?}) differs from the visits booked on it ($granted)"
    failed_runs+=("hot-counter")
fi
if [ "${#failed_runs[@]}" -gt 0 ]; then
    echo "!!! FAILED: ${failed_runs[*]} -- the figures above are not valid"
    exit 1
fi
if [ "$missed" = 1 ] && [ -n "${BENCH_STRICT:-}" ]; then
    echo "a target was missed (BENCH_STRICT is set)" >&2
    exit 3
fi
