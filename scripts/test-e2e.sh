#!/usr/bin/env bash
# End-to-end browser tests: the real server (with its demo data) serving the built web client, driven in Debian's
# headless Chromium by playwright-core, checked with axe-core. Tests are in tests/e2e/*.test.mjs (node's test runner).
# Screenshots of each state the tests reach go to artifacts/e2e/ (git-ignored).
#
# Runnable from any directory. Every step is skipped or quick when nothing changed:
#   - `scripts/setup.sh e2e` checks Node.js (20 or newer), installs Debian's chromium with apt-get when
#     /usr/bin/chromium is missing (needs root) and runs `npm ci` in tests/e2e unless node_modules already matches
#     package-lock.json;
#   - builds the web client with scripts/build-frontend.sh, unless SKIP_FRONTEND_BUILD=1;
#   - builds the server with `cargo build -p api --bin prison-visits`, unless PVB_BIN names a binary to use
#     (a relative PVB_BIN is taken relative to the repo root).
# Honours CARGO_TARGET_DIR. Exits with the test runner's status.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="$root/tests/e2e"
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }

# 1 to 3. Node.js (playwright-core needs 20 or newer), the browser (Debian's Chromium, never a browser download, which
# cannot work here), playwright-core and axe-core exactly as pinned in package-lock.json.
"$root/scripts/setup.sh" e2e

# 4. The web client.
if [[ "${SKIP_FRONTEND_BUILD:-0}" == "1" ]]; then
    step "web client: not built (SKIP_FRONTEND_BUILD=1); using $root/frontend/dist as it is"
else
    step "web client: scripts/build-frontend.sh"
    "$root/scripts/build-frontend.sh"
fi

# 5. The server.
if [[ -n "${PVB_BIN:-}" ]]; then
    step "server: using PVB_BIN=$PVB_BIN"
else
    step "server: cargo build -p api --bin prison-visits"
    (cd "$root" && cargo build -p api --bin prison-visits)
    target_dir="${CARGO_TARGET_DIR:-$root/target}"
    [[ "$target_dir" == /* ]] || target_dir="$root/$target_dir"
    export PVB_BIN="$target_dir/debug/prison-visits"
fi

# 6. The tests.
step "node --test tests/e2e"
mkdir -p "$root/artifacts/e2e"
status=0
(cd "$e2e" && node --test ./*.test.mjs) || status=$?

printf '\nE2E %s in %d s; screenshots in %s\n' "$([[ $status == 0 ]] && echo passed || echo FAILED)" \
    "$((SECONDS - started))" "${root}/artifacts/e2e"
exit "$status"
