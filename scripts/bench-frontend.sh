#!/usr/bin/env bash
# Size and speed benchmark of the web client's first page: compressed bytes on the wire (br and gzip, as the server's
# Compress middleware sends them) and the time until the prison list is usable in headless Chromium with the CPU
# slowed 4x. Targets: <= 250 KB compressed, usable within 2 s. See tests/e2e/bench-frontend.mjs.
# Then the staff sign-in page on the slow profile (CPU 4x slower, 400 kbit/s, 400 ms per request): the bytes fetched
# until its form is usable (Brotli, as the server sends them) and the time until then; target 3 s.
# BENCH_BEFORE_STATIC_DIR=<a copy of an earlier frontend/dist> measures that build too, alternately, and prints both.
# BENCH_PARTS=visitor or =staff runs one part only.
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
