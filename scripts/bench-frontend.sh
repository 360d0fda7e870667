#!/usr/bin/env bash
# Size and speed benchmark of the web client on a slow phone (CPU 4x slower, 400 kbit/s, 400 ms per request): the
# visitor pages (the prison list and a status link opened cold: time until usable and bytes fetched; with JavaScript
# off, the HTML and CSS of each server-rendered page), against the budgets of issue 13 (list <= 2.0 s, status link
# <= 2.5 s, first page <= 120 KB, <= 30 KB of HTML and CSS without JavaScript); then the staff sign-in page (bytes
# and time until its form is usable; target 3 s). See tests/e2e/bench-frontend.mjs.
# BENCH_BEFORE_STATIC_DIR=<a copy of an earlier frontend/dist> and BENCH_BEFORE_BIN=<the server binary built with
# it> measure that build too, alternately, and print both. BENCH_PARTS=visitor or =staff runs one part only.
#
# Same environment as scripts/test-e2e.sh: SKIP_FRONTEND_BUILD=1 to use frontend/dist as it is, PVB_BIN for a server
# binary already built, CARGO_TARGET_DIR, WASM_OPT=0. BENCH_RUNS (default 5), BENCH_STRICT=1 to fail on a missed target.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="$root/tests/e2e"

if [[ "${SKIP_FRONTEND_BUILD:-0}" != "1" ]]; then
    "$root/scripts/build-frontend.sh"
fi
if [[ -z "${PVB_BIN:-}" ]]; then
    (cd "$root" && cargo build -p api --bin prison-visits)
    target_dir="${CARGO_TARGET_DIR:-$root/target}"
    [[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
    export PVB_BIN="$target_dir/debug/prison-visits"
fi
# Chromium, playwright-core and axe-core, as for the browser tests.
"$root/scripts/setup.sh" e2e
cd "$e2e"
exec node bench-frontend.mjs
