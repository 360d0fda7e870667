#!/usr/bin/env bash
# The API against its own OpenAPI document, fuzzed by schemathesis: once on SQLite and once on a fresh PostgreSQL
# database, each with a fresh admin and a fresh member of staff signed in, every operation of /api/openapi.json,
# including the stateful phase (chains of calls following the links schemathesis infers). Passes only with
# 0 server errors and 0 contract violations: the document is the contract integrators rely on, so when this fails,
# make the server or the document more precise, never the checks looser.
#
# Runnable from any directory:
#   - installs schemathesis (pinned in scripts/setup.sh) from PyPI into .tools/schemathesis (git-ignored), reused when
#     present (`scripts/setup.sh fuzz`);
#   - builds the server with `cargo build -p api --bin prison-visits`, unless PVB_BIN names a binary to use;
#   - creates and drops its PostgreSQL database (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432).
# Honours CARGO_TARGET_DIR. FUZZ_DATABASES=sqlite (or postgres) runs one engine only; FUZZ_MAX_TIME caps each
# engine's run in seconds (default 120: both together stay within about 5 minutes on 2 cores); FUZZ_SEED fixes the
# random seed to replay a failure. The server inherits this script's environment, so a setting the run needs (for
# example a rate limit raised so that the fuzzer's hundreds of requests from one address are not refused) can be
# passed like `SOME_LIMIT=100000 scripts/test-api-fuzz.sh`. Reports (JUnit, and a cassette of every request on
# failure) go to artifacts/api-fuzz/ (git-ignored).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/setup.sh
. "$root/scripts/setup.sh"
venv="$setup_schemathesis_venv"
artifacts="$root/artifacts/api-fuzz"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
databases="${FUZZ_DATABASES:-sqlite postgres}"
max_time="${FUZZ_MAX_TIME:-120}"
started=$SECONDS

step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started))"; }
die() { printf 'test-api-fuzz: error: %s\n' "$*" >&2; exit 1; }

setup fuzz

step "The server"
if [[ -n "${PVB_BIN:-}" ]]; then
    [[ "$PVB_BIN" = /* ]] || PVB_BIN="$root/$PVB_BIN"
else
    (cd "$root" && cargo build --quiet -p api --bin prison-visits --locked)
    target="${CARGO_TARGET_DIR:-target}"
    [[ "$target" = /* ]] || target="$root/$target"
    PVB_BIN="$target/debug/prison-visits"
fi
[[ -x "$PVB_BIN" ]] || die "no server binary at $PVB_BIN"
work="$(mktemp -d /tmp/pvb-fuzz.XXXXXX)"
# A copy, so that another build sharing the target directory cannot swap the binary under a running test.
cp "$PVB_BIN" "$work/prison-visits"
bin="$work/prison-visits"

server_pid=
pg_db=
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ -n "$pg_db" ]]; then psql "$pg_url/postgres" -qAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# json_field FIELD: reads JSON on stdin and prints one top-level field.
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# post_json PATH BODY [TOKEN]: the response body; fails unless the status is 2xx.
post_json() {
    curl -sS --fail-with-body -X POST "$base/api/v1$1" -H 'content-type: application/json' \
        ${3:+-H "authorization: Bearer $3"} --data "$2"
}

mkdir -p "$artifacts"
failed=()
for engine in $databases; do
    step "Fuzzing on $engine"
    case "$engine" in
        sqlite) database_url="sqlite://$work/fuzz.db?mode=rwc" ;;
        postgres)
            pg_db="pvb_fuzz_$$"
            psql "$pg_url/postgres" -qAtc "CREATE DATABASE $pg_db" >/dev/null ||
                die "cannot create a PostgreSQL database at $pg_url (is PostgreSQL running?)"
            database_url="$pg_url/$pg_db"
            ;;
        *) die "FUZZ_DATABASES: unknown engine $engine (sqlite or postgres)" ;;
    esac
    port="$(free_port)"
    base="http://127.0.0.1:$port"
    log="$artifacts/server-$engine.log"
    # The fuzzer sends hundreds of visit requests, feedback forms and sign-ins from one address: the limits on those
    # (tested on their own in crates/api/tests/api/visit_limits.rs, feedback.rs and sessions.rs) are lifted unless the caller sets them.
    export DATABASE_URL="$database_url" HOST=127.0.0.1 PORT="$port" DEMO_DATA=true LOG_FORMAT=json \
        RUST_LOG="${RUST_LOG:-warn}" STATIC_DIR="$work/no-client" EMAIL_TRANSPORT=log WORKERS=2 \
        VISIT_REQUEST_LIMIT_PER_ADDRESS="${VISIT_REQUEST_LIMIT_PER_ADDRESS:-0}" \
        VISIT_REQUEST_LIMIT_PER_PRISONER="${VISIT_REQUEST_LIMIT_PER_PRISONER:-0}" \
        VISIT_REQUEST_LIMIT_PER_EMAIL="${VISIT_REQUEST_LIMIT_PER_EMAIL:-0}" \
        FEEDBACK_LIMIT_PER_ADDRESS="${FEEDBACK_LIMIT_PER_ADDRESS:-0}" \
        SIGN_IN_LIMIT_PER_ADDRESS="${SIGN_IN_LIMIT_PER_ADDRESS:-0}"
    "$bin" serve >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 240); do
        kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$log" >&2; die "the server exited at start (log: $log)"; }
        [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/api/v1/ready" || true)" = 200 ]] && break
        sleep 0.25
    done

    # A fresh admin for this run, and a member of staff of every (demo) prison.
    admin_email="fuzz-admin-$$@fuzz.example"
    staff_email="fuzz-staff-$$@fuzz.example"
    password="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
    ADMIN_PASSWORD="$password" "$bin" create-admin "$admin_email" "Fuzz Admin" >/dev/null
    admin_token="$(post_json /staff/sign-in "{\"email\":\"$admin_email\",\"password\":\"$password\"}" | json_field access_token)"
    prison_ids="$(curl -sS --fail "$base/api/v1/prisons" | python3 -c 'import json, sys; print(json.dumps([p["id"] for p in json.load(sys.stdin)]))')"
    post_json /admin/staff "{\"email\":\"$staff_email\",\"name\":\"Fuzz Staff\",\"password\":\"$password\",\"role\":\"staff\",\"prison_ids\":$prison_ids}" "$admin_token" >/dev/null
    staff_token="$(post_json /staff/sign-in "{\"email\":\"$staff_email\",\"password\":\"$password\"}" | json_field access_token)"
    spare_id="$(post_json /admin/staff "{\"email\":\"fuzz-spare-$$@fuzz.example\",\"name\":\"Fuzz Spare\",\"password\":\"$password\",\"role\":\"admin\"}" "$admin_token" | json_field id)"
    admin_id="$(curl -sS --fail "$base/api/v1/staff/me" -H "authorization: Bearer $admin_token" | json_field id)"
    staff_id="$(curl -sS --fail "$base/api/v1/staff/me" -H "authorization: Bearer $staff_token" | json_field id)"

    # Admin-only operations (and the public ones) carry the admin's token; the staff screens' operations carry the
    # staff member's, so both roles are exercised. The hooks keep the admin signed in (see scripts/api-fuzz/api_fuzz_hooks.py).
    export PVB_FUZZ_ADMIN_TOKEN="$admin_token" PVB_FUZZ_STAFF_TOKEN="$staff_token" \
        PVB_FUZZ_ADMIN_ID="$admin_id" PVB_FUZZ_STAFF_ID="$staff_id" PVB_FUZZ_SPARE_ID="$spare_id"
    run_started=$SECONDS
    status=0
    (cd "$root/scripts/api-fuzz" && PYTHONPATH=. "$venv/bin/st" --config-file schemathesis.toml run "$base/api/openapi.json" \
        --max-time "$max_time" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
        --report junit,vcr --report-dir "$artifacts/$engine") || status=$?
    echo "schemathesis on $engine: exit $status in $((SECONDS - run_started)) s"
    ((status == 0)) || failed+=("$engine")
    # A run whose own accounts were locked out tested little beyond the 401s: count it as a failure.
    for token in "$admin_token" "$staff_token"; do
        code="$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/staff/me" -H "authorization: Bearer $token")"
        [[ "$code" = 200 ]] || { echo "the fuzzer's own account answers $code at the end of the run on $engine" >&2; failed+=("$engine-lockout"); }
    done

    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    # Our own errors; actix-http also logs at ERROR the requests it cannot parse (and answers 400), which the
    # fuzzer sends on purpose.
    if grep '"level":"ERROR"' "$log" | grep -qv '"target":"actix_http::'; then
        grep '"level":"ERROR"' "$log" | grep -v '"target":"actix_http::' | head -n 20 >&2
        echo "the server logged errors on $engine (above; log: $log)" >&2
        failed+=("$engine-log")
    fi
    if [[ "$engine" = postgres ]]; then
        psql "$pg_url/postgres" -qAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
        pg_db=
    fi
done

step "Done"
if ((${#failed[@]})); then
    die "schemathesis found problems on: ${failed[*]} (reports in $artifacts)"
fi
echo "0 server errors and 0 contract violations on: $databases"
