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

# Two lanes, so that a 2-core machine is busy while one of them waits (on a single-threaded link, on the database,
# on the network): the web client's lane (its CLIs, its lints, the domain crate's wasm32 build, then the WebAssembly
# build) runs in the background with its own target directory (no lock shared with the server's builds), while the
# server's lane runs here. The fuzzer and the browser tests come after both, on a machine left to them.
target_dir="${CARGO_TARGET_DIR:-$root/target}"
[[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
ci_logs="$root/artifacts/ci"
mkdir -p "$ci_logs"
web_log="$ci_logs/web-client.log"
web_lane=
stop_web_lane() { if [[ -n "$web_lane" ]]; then kill -- "-$web_lane" 2>/dev/null || kill "$web_lane" 2>/dev/null || true; fi; }
trap stop_web_lane EXIT

step "Set-up for the server's lane: scripts/setup.sh (rustfmt, clippy, Chromium, schemathesis, the browser tests' modules)"
scripts/setup.sh rust-components node chromium e2e-modules fuzz

step "The web client's lane, in the background (log: ${web_log#"$root"/})"
# Its own process group, so that a failure here stops all of it.
set -m
(
    set -euo pipefail
    export CARGO_TARGET_DIR="$target_dir/web-client"
    lane_step() { printf '\n==> [web client] %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
    lane_step "Set-up: the wasm32 target, wasm-bindgen and wasm-split-cli, govuk-frontend and binaryen"
    scripts/setup.sh rust-components run
    lane_step "Clippy (web client, wasm32)"
    # The visitor app in its browser build (hydrating the server's pages); the staff app alone (drawn in the
    # browser): one command each, since the shared crate is built for a different rendering mode in each.
    cargo clippy -p frontend --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings
    cargo clippy -p frontend-staff -p frontend-shared --target wasm32-unknown-unknown --locked -- -D warnings
    lane_step "The domain crate builds for wasm32 without server dependencies"
    scripts/check-domain-wasm.sh
    lane_step "The web client's build (scripts/build-frontend.sh)"
    scripts/build-frontend.sh
    lane_step "The web client is built"
) >"$web_log" 2>&1 &
web_lane=$!
set +m

step "PostgreSQL is reachable"
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
if command -v pg_isready >/dev/null; then
    pg_isready -d "$pg_url/postgres" -t 10 || { echo "error: PostgreSQL is not reachable at $pg_url; start it (see README)" >&2; exit 1; }
fi

step "Formatting"
cargo fmt --all --check

step "Clippy: a warning in clippy-driver is an error here (the check the next step relies on)"
# Clippy lints the server's crates, and the web clients' native build, while the tests' build compiles them:
# clippy-driver is cargo's wrapper for the workspace's own crates (as `cargo clippy` runs it, with its `CLIPPY_ARGS`),
# so the dependencies are not also checked for a separate `cargo clippy`. (Measured cold: under a minute saved, since
# proc-macros and build scripts were shared anyway; kept for linting the native build too.) First a file with a
# warning must fail under these settings, so that a clippy whose interface changed fails here, not silently.
clippy_driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
canary="$(mktemp -d)"
printf 'pub fn length(v: &Vec<u8>) -> usize { v.len() }\n' >"$canary/lib.rs"
if "$clippy_driver" "$(rustup which rustc 2>/dev/null || command -v rustc)" --edition 2021 --crate-type lib \
    --crate-name canary "$canary/lib.rs" -o "$canary/canary.rlib" >"$canary/out" 2>&1 \
    || ! grep -q 'clippy::ptr_arg' "$canary/out"; then
    cat "$canary/out" >&2
    echo "error: clippy-driver did not refuse a clippy warning with CLIPPY_ARGS; lint with cargo clippy instead" >&2
    exit 1
fi
rm -rf "$canary"

step "Clippy on the server's crates and the web clients' native build, in the tests' build (all targets)"
# The visitor app's native tests (the journey's form steps) run with the server rendering (`ssr`) the API turns on,
# and frontend-shared's check that every text is in English and Welsh reads the sources: one build serves all.
cargo test --workspace --exclude frontend-staff --locked --no-run

step "Unit, property and integration tests (SQLite and PostgreSQL), and the web clients' native tests"
cargo test --workspace --exclude frontend-staff --locked

step "The example integrator (examples/integrator) against the service: a signed webhook verified, the feed read"
cargo build -p api --bin prison-visits --locked
export PVB_BIN="$target_dir/debug/prison-visits"
examples/integrator/check.sh

step "Waiting for the web client's lane"
if ! wait "$web_lane"; then
    web_lane=
    tail -n 60 "$web_log" >&2
    echo "error: the web client's lane failed (whole log: $web_log)" >&2
    exit 1
fi
web_lane=
grep '^==> \[web client\]' "$web_log"

step "The API against its OpenAPI document: schemathesis on SQLite and PostgreSQL (about 5 minutes)"
scripts/test-api-fuzz.sh

step "Browser tests (the web client built in the background lane)"
SKIP_FRONTEND_BUILD=1 scripts/test-e2e.sh

step "All checks passed"
