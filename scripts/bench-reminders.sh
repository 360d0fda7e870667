#!/usr/bin/env bash
# Time and measure the memory of one reminder pass (the job the outbox worker runs every minute) over N booked
# visits, on SQLite and PostgreSQL, each beside baselines measured in the same run on the same database:
#   - the same window's rows counted by the database's own client (sqlite3, psql): what the pass must at least read;
#   - every booked visit read at once as whole rows (`bench-reminders load-all`): the memory a pass that did not
#     work in batches would need.
#
#   scripts/bench-reminders.sh                       100,000 booked visits, SQLite and PostgreSQL
#   BENCH_VISITS=20000 BENCH_DB=sqlite scripts/bench-reminders.sh
#
# The visits are booked evenly over the next 28 days at 4 prisons with the default lead time (2 days), so about
# 3/28 of them are due. Each process runs under /usr/bin/time -v: seconds are the command's own (printed by it),
# peak memory is the process's maximum resident set size. The first pass queues the due reminders; the second is
# the steady state (nothing new due), what every minute costs.
#
# Environment:
#   BENCH_VISITS      booked visits (default 100000)
#   BENCH_DB          both (default) | sqlite | postgres
#   BENCH_PG_URL      PostgreSQL server (default postgres://postgres@127.0.0.1:5432); a database pvb_remind_<pid> is
#                     created there and dropped at exit
#   BENCH_SKIP_BUILD=1  use the binary already in $CARGO_TARGET_DIR/release (default target/release)
#   BENCH_KEEP=1      keep the work directory and print its path
# Exit status: 0 when every pass queued the reminders the database says are due; 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${BENCH_VISITS:-100000}
which_db=${BENCH_DB:-both}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
target_dir=${CARGO_TARGET_DIR:-$root/target}
bin="$target_dir/release/bench-reminders"

bench_name=bench-reminders.sh
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

case "$n" in '' | *[!0-9]* | 0) die "BENCH_VISITS must be a positive whole number, got '$n'" ;; esac
case "$which_db" in
both) dbs=(sqlite postgres) ;;
sqlite) dbs=(sqlite) ;;
postgres) dbs=(postgres) ;;
*) die "BENCH_DB must be both, sqlite or postgres, got '$which_db'" ;;
esac
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time, Debian package 'time') is required for peak memory"
command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is required but not on PATH"
if [[ " ${dbs[*]} " == *" postgres "* ]]; then
    need_postgresql_client
    psql "$pg_url/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 ||
        die "cannot connect to PostgreSQL at $pg_url/postgres (set BENCH_PG_URL, or use BENCH_DB=sqlite)"
fi

bench_workspace pvb-bench-remind pvb_remind

if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
    say "BENCH_SKIP_BUILD is set: using $bin"
else
    say "building the release binary (cargo build --release -p api --bin bench-reminders)"
    (cd "$root" && cargo build --release -p api --bin bench-reminders >&2)
fi
[ -x "$bin" ] || die "$bin not found (build it, or set CARGO_TARGET_DIR)"

# measured NAME COMMAND...: runs COMMAND under /usr/bin/time -v; prints its stdout then "peak_mb=M".
measured() {
    local name=$1 out
    shift
    if ! out=$(/usr/bin/time -v -o "$work/$name.time" "$@" 2>"$work/$name.log"); then
        tail -n 20 "$work/$name.log" >&2
        die "$name failed (log above)"
    fi
    printf '%s peak_mb=%s\n' "$out" \
        "$(awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$name.time")"
}

status=0
for db in "${dbs[@]}"; do
    if [ "$db" = sqlite ]; then
        url="sqlite://$work/remind.db?mode=rwc"
        client=(sqlite3 "$work/remind.db")
    else
        psql "$pg_url/postgres" -qAtc "CREATE DATABASE $pg_db" >/dev/null
        pg_created=1
        url="$pg_url/$pg_db"
        client=(psql "$url" -qAt -c)
    fi
    say "$db: seeding $n booked visits"
    DATABASE_URL="$url" RUST_LOG=warn "$bin" seed "$n" >/dev/null 2>"$work/seed-$db.log" ||
        die "seeding failed: $(tail -n 5 "$work/seed-$db.log")"
    # The window the pass reads (today to today + 2, UK dates), counted by the database's own client.
    today=$(TZ=Europe/London date +%F)
    last=$(TZ=Europe/London date -d "+2 days" +%F)
    window="SELECT COUNT(*) FROM visit WHERE state = 'booked' AND booked_date BETWEEN '$today' AND '$last'"
    start=$(date +%s.%N)
    in_window=$("${client[@]}" "$window")
    end=$(date +%s.%N)
    count_seconds=$(python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$start" "$end")
    say "$db: one reminder pass, then another (steady state), then the baselines"
    first=$(measured "pass1-$db" env DATABASE_URL="$url" RUST_LOG=warn "$bin" pass)
    second=$(measured "pass2-$db" env DATABASE_URL="$url" RUST_LOG=warn "$bin" pass)
    load_all=$(measured "load-all-$db" env DATABASE_URL="$url" RUST_LOG=warn "$bin" load-all)
    # One reminder by email for every visit reminded, and one by text for those whose visitor chose texts too.
    queued=$("${client[@]}" "SELECT COUNT(*) FROM outbox_message WHERE kind = 'reminder' AND channel = 'email'")
    texts=$("${client[@]}" "SELECT COUNT(*) FROM outbox_message WHERE kind = 'reminder' AND channel = 'sms'")
    reminded=$("${client[@]}" "SELECT COUNT(*) FROM visit WHERE reminded_date IS NOT NULL")
    texted=$("${client[@]}" "SELECT COUNT(*) FROM visit WHERE reminded_date IS NOT NULL AND contact_sms")
    printf 'reminders %-8s visits=%s first pass:  %s\n' "$db" "$n" "$first"
    printf 'reminders %-8s visits=%s second pass: %s\n' "$db" "$n" "$second"
    printf 'reminders %-8s visits=%s baseline: %s visits in the window counted by %s in seconds=%s; load-all %s\n' \
        "$db" "$n" "$in_window" "${client[0]}" "$count_seconds" "$load_all"
    printf 'reminders %-8s visits=%s queued: %s by email and %s by text for %s visits reminded\n' \
        "$db" "$n" "$queued" "$texts" "$reminded"
    if [ "$queued" != "$reminded" ] || [ "$texts" != "$texted" ] || [ "$queued" = 0 ] || [[ "$second" != queued=0* ]]; then
        echo "!!! $db: $queued emails and $texts texts queued for $reminded visits marked reminded ($texted with texts); second pass: $second" >&2
        status=1
    fi
done
exit "$status"
