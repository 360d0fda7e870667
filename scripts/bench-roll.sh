#!/usr/bin/env bash
# Time `prison-visits import-roll` (release build) on generated rolls, each figure beside a baseline measured in the
# same run on the same machine: the very rows the import stores, loaded straight into the prisoner_roll table by the
# database's own bulk loader (`sqlite3 .import`, `psql \copy`) with nothing in between.
#
#   scripts/bench-roll.sh                                   10,000 and 50,000 prisoners, SQLite and PostgreSQL
#   BENCH_ROLL_SIZES="50000" BENCH_DB=sqlite scripts/bench-roll.sh
#
# Each roll has N prisoners (a few released, some away, some with no allowance left) and N contacts: one per
# prisoner, every tenth banned with an end date; quoted names with commas in some lines. The import is the whole
# command: start, connect, read and check both files, write everything in one transaction, exit 0; its "loaded"
# line is checked, and the table must then hold N rows.
#
# Environment:
#   BENCH_ROLL_SIZES  prisoner counts (default "10000 50000")
#   BENCH_DB          both (default) | sqlite | postgres
#   BENCH_PG_URL      PostgreSQL server (default postgres://postgres@127.0.0.1:5432); a database pvb_roll_<pid> is
#                     created there and dropped at exit
#   BENCH_SKIP_BUILD=1  use the release binary already in $CARGO_TARGET_DIR/release (default target/release)
#   BENCH_KEEP=1      keep the work directory (generated files, logs) and print its path
#
# Prints one line per size and database:
#   import-roll <db> prisoners=N contacts=N seconds=S | <loader> seconds=B -> S/B x the baseline's time
# Exit status: 0 when every import loaded its roll; 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sizes=${BENCH_ROLL_SIZES:-10000 50000}
which_db=${BENCH_DB:-both}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
target_dir=${CARGO_TARGET_DIR:-$root/target}
bin="$target_dir/release/prison-visits"

bench_name=bench-roll.sh
# shellcheck source=scripts/bench-lib.sh
. "$root/scripts/bench-lib.sh"

for n in $sizes; do
    case "$n" in '' | *[!0-9]* | 0) die "BENCH_ROLL_SIZES must be positive whole numbers, got '$n'" ;; esac
done
case "$which_db" in
both) dbs=(sqlite postgres) ;;
sqlite) dbs=(sqlite) ;;
postgres) dbs=(postgres) ;;
*) die "BENCH_DB must be both, sqlite or postgres, got '$which_db'" ;;
esac
for tool in python3 sqlite3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required but not on PATH"
done
if [[ " ${dbs[*]} " == *" postgres "* ]]; then
    need_postgresql_client
    psql "$pg_url/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 ||
        die "cannot connect to PostgreSQL at $pg_url/postgres (set BENCH_PG_URL, or use BENCH_DB=sqlite)"
fi

bench_workspace pvb-bench-roll pvb_roll

if [ -n "${BENCH_SKIP_BUILD:-}" ]; then
    say "BENCH_SKIP_BUILD is set: using $bin"
else
    say "building the release binary (cargo build --release -p api --bin prison-visits)"
    (cd "$root" && cargo build --release -p api --bin prison-visits >&2)
fi
[ -x "$bin" ] || die "$bin not found (build it, or set CARGO_TARGET_DIR)"

# generate N: prisoners-N.csv and contacts-N.csv for the import, rows-N.csv (the table's rows) for the baseline.
generate() {
    python3 - "$1" "$work" <<'PY'
import csv, json, random, sys
n, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(n)
letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
def number(i):  # A1234BC: distinct for the first 138 million
    rest = i // 10000
    return f"{letters[rest // 576 % 24]}{i % 10000:04d}{letters[rest % 24]}{letters[rest // 24 % 24]}"
numbers = [number(i) for i in range(n)]
firsts = ["John", "Ann", "Mohammed", "Siân", "Aleksandra", "Tom", "Ngozi", "Liam"]
lasts = ["Smith", "O'Brien", "Jones", "Smith, Jr", "Nowak", "Ahmed", "Evans", "Okafor"]
def day(y0, y1):
    return f"{rng.randint(y0, y1)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
with open(f"{work}/prisoners-{n}.csv", "w", newline="") as p, open(f"{work}/contacts-{n}.csv", "w", newline="") as c, \
        open(f"{work}/rows-{n}.csv", "w", newline="") as r:
    pw, cw, rw = csv.writer(p), csv.writer(c), csv.writer(r)
    pw.writerow(["number", "first_name", "last_name", "date_of_birth", "prison_code", "visiting_allowance",
                 "allowance_renews_on", "away_from", "away_to"])
    cw.writerow(["number", "first_name", "last_name", "date_of_birth", "approved", "banned", "banned_until"])
    rw.writerow(["number", "first_name", "last_name", "date_of_birth", "prison_code", "visiting_allowance",
                 "allowance_renews_on", "unavailable", "contacts", "updated_at"])
    for k, num in enumerate(numbers):
        first, last, dob = rng.choice(firsts), rng.choice(lasts), day(1950, 2005)
        code = "" if k % 50 == 0 else rng.choice(["RCI", "LEI", "MDI", "BWI"])
        allowance = 0 if k % 7 == 0 else rng.randint(1, 4)
        renews = day(2026, 2027) if k % 3 == 0 else ""
        away = (f"2026-12-{rng.randint(1, 20):02d}", "2026-12-22") if k % 20 == 0 else ("", "")
        pw.writerow([num, first, last, dob, code, allowance, renews, away[0], away[1]])
        cfirst, clast, cdob = rng.choice(firsts), rng.choice(lasts), day(1950, 2020)
        banned = k % 10 == 0
        until = day(2027, 2030) if banned else ""
        cw.writerow([num.lower() if k % 2 else num, cfirst, clast, cdob, "yes" if k % 5 else "no",
                     "yes" if banned else "no", until])
        contact = {"first_name": cfirst, "last_name": clast, "date_of_birth": cdob, "approved": k % 5 != 0,
                   "banned": banned}
        if until:
            contact["banned_until"] = until
        rw.writerow([num, first, last, dob, code or None, allowance, renews or None,
                     json.dumps([{"from": away[0], "to": away[1]}] if away[0] else []), json.dumps([contact]),
                     "2026-11-30 12:00:00+00:00"])
PY
}

now() { date +%s.%N; }
seconds() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$1" "$2"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.1f}" if float(sys.argv[2]) > 0 else "-")' "$1" "$2"; }

# import DATABASE_URL N: runs the import, checks it loaded N prisoners, prints its seconds.
import_roll() {
    local url=$1 n=$2 start end out
    start=$(now)
    if ! out=$(DATABASE_URL="$url" DEMO_DATA=false RUST_LOG=warn RECORDS=builtin \
        "$bin" import-roll "$work/prisoners-$n.csv" "$work/contacts-$n.csv" 2>"$work/import-$n.log"); then
        tail -n 20 "$work/import-$n.log" >&2
        die "the import of $n prisoners failed (log above)"
    fi
    end=$(now)
    [ "$out" = "loaded $n prisoners with $n contacts" ] || die "the import of $n said: $out"
    seconds "$start" "$end"
}

migrate() { DATABASE_URL="$1" DEMO_DATA=false RUST_LOG=warn "$bin" migrate >/dev/null 2>"$work/migrate.log" || die "migrate failed: $(tail -n 5 "$work/migrate.log")"; }

status=0
if [[ " ${dbs[*]} " == *" postgres "* ]]; then
    psql "$pg_url/postgres" -qAtc "CREATE DATABASE $pg_db" >/dev/null
    pg_created=1
    migrate "$pg_url/$pg_db"
fi
for n in $sizes; do
    say "generating a roll of $n prisoners and $n contacts"
    generate "$n"
    for db in "${dbs[@]}"; do
        say "$db: import-roll of $n prisoners, then the baseline"
        if [ "$db" = sqlite ]; then
            file="$work/roll-$n.db"
            rm -f "$file"*
            migrate "sqlite://$file?mode=rwc"
            took=$(import_roll "sqlite://$file?mode=rwc" "$n")
            rows=$(sqlite3 "$file" 'SELECT COUNT(*) FROM prisoner_roll')
            sqlite3 "$file" 'DELETE FROM prisoner_roll'
            start=$(now)
            sqlite3 "$file" ".import --csv --skip 1 $work/rows-$n.csv prisoner_roll"
            end=$(now)
            baseline=$(seconds "$start" "$end")
            base_rows=$(sqlite3 "$file" 'SELECT COUNT(*) FROM prisoner_roll')
            loader="sqlite3 .import"
        else
            psql "$pg_url/$pg_db" -qAtc 'TRUNCATE prisoner_roll' >/dev/null
            took=$(import_roll "$pg_url/$pg_db" "$n")
            rows=$(psql "$pg_url/$pg_db" -qAtc 'SELECT COUNT(*) FROM prisoner_roll')
            psql "$pg_url/$pg_db" -qAtc 'TRUNCATE prisoner_roll' >/dev/null
            start=$(now)
            psql "$pg_url/$pg_db" -qAtc "\\copy prisoner_roll FROM '$work/rows-$n.csv' WITH (FORMAT csv, HEADER true)" >/dev/null
            end=$(now)
            baseline=$(seconds "$start" "$end")
            base_rows=$(psql "$pg_url/$pg_db" -qAtc 'SELECT COUNT(*) FROM prisoner_roll')
            loader="psql \\copy"
        fi
        if [ "$rows" != "$n" ] || [ "$base_rows" != "$n" ]; then
            echo "!!! $db: $rows rows after the import, $base_rows after the baseline; expected $n" >&2
            status=1
        fi
        printf 'import-roll %-8s prisoners=%-6s contacts=%-6s seconds=%-6s | %s seconds=%-5s -> %sx the baseline'"'"'s time\n' \
            "$db" "$n" "$n" "$took" "$loader" "$baseline" "$(ratio "$took" "$baseline")"
    done
done
exit "$status"
