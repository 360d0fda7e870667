#!/usr/bin/env bash
# End-to-end browser tests: the real server (with its demo data) serving the built web client, driven in Debian's
# headless Chromium by playwright-core, checked with axe-core. Tests are in tests/e2e/*.test.mjs (node's test runner).
# Screenshots of each state the tests reach go to artifacts/e2e/ (git-ignored).
#
# Runnable from any directory. Every step is skipped or quick when nothing changed:
#   - installs Debian's chromium with apt-get when /usr/bin/chromium is missing (needs root);
#   - runs `npm ci` in tests/e2e unless node_modules already matches package-lock.json;
#   - builds the web client with scripts/build-frontend.sh, unless SKIP_FRONTEND_BUILD=1;
#   - builds the server with `cargo build -p api --bin prison-visits`, unless PVB_BIN names a binary to use
#     (a relative PVB_BIN is taken relative to the repo root).
# Honours CARGO_TARGET_DIR. Exits with the test runner's status.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="$root/tests/e2e"
chromium=/usr/bin/chromium
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# 1. Node.js: playwright-core needs 20 or newer.
step "Node.js"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed (Node.js 20 or newer)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node.js $(node --version) is too old: playwright-core needs 20 or newer"
echo "node $(node --version), npm $(npm --version)"

# 2. The browser: Debian's Chromium (never a browser download, which cannot work here).
step "Chromium"
if [[ ! -x "$chromium" ]]; then
    ((EUID == 0)) || die "$chromium is missing; install it as root: apt-get update && apt-get install -y chromium"
    echo "not found; installing Debian's chromium (about 40 s)"
    # Another apt-get may hold apt's locks (e.g. an install started in the background): wait for it, don't fail.
    apt_retry() {
        local try
        for try in 1 2 3 4 5 6 7 8 9 10 11 12; do
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3 "$@" && return 0
            echo "apt-get $1 failed (try $try of 12); retrying in 10 s" >&2
            sleep 10
        done
        return 1
    }
    apt_retry update || die "apt-get update failed"
    apt_retry install -y chromium || die "apt-get install chromium failed"
    [[ -x "$chromium" ]] || die "installed chromium but $chromium is still missing"
fi
# Debian's wrapper script prints a harmless "[: ... unexpected operator" line; keep only the version.
"$chromium" --version 2>/dev/null | tail -n 1

# 3. playwright-core and axe-core, exactly as pinned in package-lock.json.
step "npm ci in tests/e2e"
stamp_file="$e2e/node_modules/.e2e-lock-hash"
stamp="$(cat "$e2e/package.json" "$e2e/package-lock.json" | sha256sum | cut -d' ' -f1) node=$node_major"
if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
    echo "up to date"
else
    (cd "$e2e" && npm ci --no-audit --no-fund)
    echo "$stamp" >"$stamp_file"
fi

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
