#!/usr/bin/env bash
# Every check, as CI runs it (.ci/run calls this script): formatting, lints, the domain crate's WebAssembly build,
# unit and property tests, the integration tests on SQLite AND PostgreSQL, the OpenAPI drift check, schemathesis over
# the whole OpenAPI document on both engines (scripts/test-api-fuzz.sh), the web client's build and lints, and its
# end-to-end tests in headless Chromium.
#
# PostgreSQL must be reachable at 127.0.0.1:5432 as user postgres (or set TEST_POSTGRES_URL): the tests FAIL, not skip,
# without it. Each test creates and drops its own database.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "Set-up: scripts/setup.sh test (rustfmt, clippy, the wasm32 target, the web client's CLIs, Chromium, schemathesis)"
scripts/setup.sh test

step "PostgreSQL is reachable"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
if command -v pg_isready >/dev/null; then
    pg_isready -d "$pg_url/postgres" -t 10 || { echo "error: PostgreSQL is not reachable at $pg_url; start it (see README)" >&2; exit 1; }
fi

step "Formatting"
cargo fmt --all --check

step "Clippy (server crates, all targets)"
cargo clippy --workspace --exclude frontend --exclude frontend-staff --exclude frontend-shared --all-targets --locked -- -D warnings

step "Clippy (web client, wasm32)"
# The visitor app in its browser build (hydrating the server's pages); the staff app alone (drawn in the browser):
# one command each, since the shared crate is built for a different rendering mode in each.
cargo clippy -p frontend --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy -p frontend-staff -p frontend-shared --target wasm32-unknown-unknown --locked -- -D warnings

step "Every text of the web clients in English and Welsh (frontend-shared's native tests)"
cargo test -p frontend-shared --locked

step "The journey's form steps: what a posted step puts in the draft and the checks it runs (the visitor app's native tests)"
cargo test -p frontend --features ssr --lib --locked

step "The domain crate builds for wasm32 without server dependencies"
scripts/check-domain-wasm.sh

step "Unit, property and integration tests (SQLite and PostgreSQL)"
cargo test --workspace --exclude frontend --exclude frontend-staff --exclude frontend-shared --locked

step "The API against its OpenAPI document: schemathesis on SQLite and PostgreSQL (about 5 minutes)"
scripts/test-api-fuzz.sh

step "The example integrator (examples/integrator) against the service: a signed webhook verified, the feed read"
cargo build -p api --bin prison-visits --locked
PVB_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/prison-visits" examples/integrator/check.sh

step "Web client build and browser tests"
scripts/test-e2e.sh

step "All checks passed"
