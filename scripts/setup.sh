#!/usr/bin/env bash
# Everything the project's scripts install, in one place. scripts/run.sh and scripts/test.sh call it (and so do the
# scripts they run, for their own part), and it can be run alone:
#
#   scripts/setup.sh run      what scripts/run.sh needs: the wasm32 target, a wasm-bindgen CLI of exactly the version in
#                             Cargo.lock, wasm-split-cli 0.2.4, govuk-frontend (npm ci in frontend/), binaryen 132
#                             (wasm-opt, from npm into frontend/node_modules)
#   scripts/setup.sh test     what scripts/test.sh needs: rustfmt and clippy, everything in `run`, `e2e` and `fuzz`
#   scripts/setup.sh e2e      the browser tests: Node.js 20 or newer (checked), Debian's chromium, npm ci in tests/e2e
#   scripts/setup.sh fuzz     schemathesis (pinned) from PyPI into .tools/schemathesis
#   scripts/setup.sh bench    the benchmarks: wrk and postgresql-client (psql, pgbench)
#   scripts/setup.sh all      all of the above
#   scripts/setup.sh TOOL...  single tools; `scripts/setup.sh --list` names them
#
# Idempotent and quick when everything is present (one "already installed" line per tool). Each install runs under
# an exclusive lock (flock) on a lock file of its own, and checks again once it holds it: two set-ups at once take
# turns, and the second finds the tool installed. Nothing waits on another process by its name. Lock files live in
# ${CARGO_HOME:-~/.cargo}/.pvb-setup-locks/ for what goes into cargo's and rustup's directories (shared by every
# checkout), in /var/lock (or /tmp) for apt-get, and in .tools/locks/ for what goes into this checkout.
#
# Apt packages (chromium, wrk, postgresql-client) are installed only as root; otherwise it stops and says what to
# install. Rust (rustup), Node.js 20 and Python 3 are prerequisites it checks but does not install.
#
# Other scripts may also source this file: that defines the setup* functions and the versions below, and runs nothing.

setup_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
setup_cargo_home="${CARGO_HOME:-$HOME/.cargo}"
setup_cargo_bin="$setup_cargo_home/bin"

# The pinned versions. wasm-bindgen's comes from Cargo.lock (setup_wasm_bindgen_version): the generated JS and the
# library must agree. wasm-split-cli must understand the split points that leptos's wasm_split_helpers (in Cargo.lock)
# writes. Binaryen from npm: Debian's binaryen (108) produces a module that fails in the browser.
setup_wasm_split_version=0.2.4
setup_binaryen_version=132
setup_schemathesis_version=4.32.5

setup_wasm_split_bin="$setup_cargo_bin/wasm-split-cli"
setup_wasm_opt_bin="$setup_root/frontend/node_modules/.bin/wasm-opt"
setup_schemathesis_venv="$setup_root/.tools/schemathesis"
setup_chromium_bin=/usr/bin/chromium

setup_groups="run test e2e fuzz bench all"
# Every tool, in install order: govuk-frontend's `npm ci` (which starts frontend/node_modules afresh) before binaryen
# (installed into the same node_modules).
setup_all_tools=(node rust-components wasm-target wasm-bindgen wasm-split govuk-frontend binaryen chromium e2e-modules
    schemathesis wrk postgresql-client)

setup_step() { printf '\n==> %s\n' "$*"; }
setup_error() { printf 'setup: error: %s\n' "$*" >&2; }

# setup_expand NAME...: the tools of groups and tools, in install order, each once.
setup_expand() {
    local name tool wanted=" " ordered=()
    for name in "$@"; do
        case "$name" in
            run) wanted+="node wasm-target wasm-bindgen wasm-split govuk-frontend binaryen " ;;
            e2e) wanted+="node chromium e2e-modules " ;;
            fuzz) wanted+="schemathesis " ;;
            bench) wanted+="wrk postgresql-client " ;;
            test) wanted+="rust-components $(setup_expand run e2e fuzz) " ;;
            all) wanted+="$(setup_expand test bench) " ;;
            *)
                [[ " ${setup_all_tools[*]} " == *" $name "* ]] ||
                    { setup_error "unknown group or tool '$name' (scripts/setup.sh --list)"; return 1; }
                wanted+="$name "
                ;;
        esac
    done
    for tool in "${setup_all_tools[@]}"; do
        [[ "$wanted" == *" $tool "* ]] && ordered+=("$tool")
    done
    echo "${ordered[*]}"
}

# setup_locked LOCK_NAME LOCK_DIR COMMAND...: runs COMMAND holding an exclusive flock on LOCK_DIR/LOCK_NAME.lock;
# a second caller waits for the first to finish (however long its install takes), then runs.
setup_locked() {
    local lock="$2/$1.lock"
    shift 2
    mkdir -p "$(dirname "$lock")" || return 1
    command -v flock >/dev/null || { setup_error "flock is missing (Debian: apt-get install util-linux)"; return 1; }
    (
        exec {fd}>>"$lock" || exit 1
        if ! flock -n "$fd"; then
            echo "another set-up holds $lock; waiting for it to finish..."
            flock "$fd" || exit 1
        fi
        "$@"
    )
}

# setup_ensure LABEL LOCK_NAME LOCK_DIR CHECK INSTALL...: nothing to do if CHECK succeeds; otherwise, under the lock,
# CHECK again (another set-up may have just installed it) and INSTALL if still needed. CHECK sets setup_found to a
# description of what it found.
setup_ensure() {
    local label="$1" lock_name="$2" lock_dir="$3" check="$4"
    shift 4
    setup_step "$label"
    setup_found=""
    if "$check"; then
        echo "already installed${setup_found:+: $setup_found}"
        return 0
    fi
    setup_locked "$lock_name" "$lock_dir" setup_install_unless "$check" "$label" "$@"
}

setup_install_unless() {
    local check="$1" label="$2"
    shift 2
    setup_found=""
    if "$check"; then
        echo "installed meanwhile by another set-up${setup_found:+: $setup_found}"
        return 0
    fi
    "$@" || { setup_error "installing $label failed"; return 1; }
    setup_found=""
    "$check" || { setup_error "installed $label, but it is still not found"; return 1; }
    echo "installed${setup_found:+: $setup_found}"
}

setup_rust_lock_dir() { echo "$setup_cargo_home/.pvb-setup-locks"; }
setup_repo_lock_dir() { echo "$setup_root/.tools/locks"; }
setup_apt_lock_dir() { if [[ -w /var/lock ]]; then echo /var/lock/pvb-setup; else echo "${TMPDIR:-/tmp}/pvb-setup-locks"; fi; }

setup_need_cargo() {
    if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
        setup_error "Rust is not installed; install it with rustup (https://rustup.rs)"
        return 1
    fi
}

# ---- Node.js (checked, not installed) -------------------------------------------------------------------------------
setup_node() {
    setup_step "Node.js 20 or newer"
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        setup_error "node and npm are needed (Node.js 20 or newer)"
        return 1
    fi
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')" || return 1
    ((major >= 20)) || { setup_error "Node.js $(node --version) is too old: 20 or newer is needed"; return 1; }
    echo "present: node $(node --version), npm $(npm --version)"
}

# ---- rustup: rustfmt, clippy, the wasm32 target ----------------------------------------------------------------------
setup_has_component() { rustup component list --installed 2>/dev/null | grep -q "^$1"; }
setup_check_rust_components() { setup_has_component rustfmt && setup_has_component clippy && setup_found="rustfmt, clippy"; }
setup_install_rust_components() {
    setup_has_component rustfmt || rustup component add rustfmt || return 1
    setup_has_component clippy || rustup component add clippy
}
setup_rust_components() {
    setup_need_cargo || return 1
    setup_ensure "Rust components rustfmt and clippy" rustup "$(setup_rust_lock_dir)" \
        setup_check_rust_components setup_install_rust_components
}

setup_check_wasm_target() {
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && setup_found=wasm32-unknown-unknown
}
setup_wasm_target() {
    setup_need_cargo || return 1
    setup_ensure "Rust target wasm32-unknown-unknown" rustup "$(setup_rust_lock_dir)" \
        setup_check_wasm_target rustup target add wasm32-unknown-unknown
}

# ---- wasm-bindgen CLI, of exactly the version in Cargo.lock ---------------------------------------------------------
# setup_wasm_bindgen_version: prints the version of the wasm-bindgen crate in Cargo.lock.
setup_wasm_bindgen_version() {
    local version
    version="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' \
        "$setup_root/Cargo.lock")"
    [[ -n "$version" ]] || {
        setup_error "no wasm-bindgen in Cargo.lock; run 'cargo generate-lockfile' or build the frontend crate once"
        return 1
    }
    echo "$version"
}

# setup_wasm_bindgen_path: prints the path of a wasm-bindgen of Cargo.lock's version, on PATH or in cargo's bin
# directory, if there is one (and fails if not).
setup_wasm_bindgen_path() {
    local wanted candidate
    wanted="$(setup_wasm_bindgen_version)" || return 1
    for candidate in "$(command -v wasm-bindgen || true)" "$setup_cargo_bin/wasm-bindgen"; do
        if [[ -x "$candidate" ]] && [[ "$("$candidate" --version 2>/dev/null)" == "wasm-bindgen $wanted" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

setup_check_wasm_bindgen() {
    local path
    path="$(setup_wasm_bindgen_path)" && setup_found="$("$path" --version) ($path)"
}
setup_install_wasm_bindgen() {
    echo "not found; installing it (takes 4 to 8 minutes)"
    # Not --locked: the CLI's own lockfile pins a yanked crate and fails.
    cargo install wasm-bindgen-cli --version "$1"
}
setup_wasm_bindgen() {
    setup_need_cargo || return 1
    local wanted
    wanted="$(setup_wasm_bindgen_version)" || return 1
    setup_ensure "wasm-bindgen CLI $wanted" wasm-bindgen-cli "$(setup_rust_lock_dir)" \
        setup_check_wasm_bindgen setup_install_wasm_bindgen "$wanted"
}

# ---- wasm-split-cli (the crate wasm_split_cli_support), which cuts the visitor module at its lazy routes ----------
setup_check_wasm_split() {
    [[ -x "$setup_wasm_split_bin" ]] &&
        cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$setup_wasm_split_version:" &&
        setup_found="wasm_split_cli_support $setup_wasm_split_version ($setup_wasm_split_bin)"
}
setup_install_wasm_split() {
    echo "not found; installing it (takes 1 to 2 minutes)"
    cargo install wasm_split_cli_support --version "$setup_wasm_split_version" --features build-binary --locked
}
setup_wasm_split() {
    setup_need_cargo || return 1
    setup_ensure "wasm-split-cli $setup_wasm_split_version" wasm-split-cli "$(setup_rust_lock_dir)" \
        setup_check_wasm_split setup_install_wasm_split
}

# ---- npm packages -----------------------------------------------------------------------------------------------------
# A stamp in node_modules records the hash of the package files it was installed from.
setup_npm_hash() { cat "$1/package.json" "$1/package-lock.json" | sha256sum | cut -d' ' -f1; }

# govuk-frontend, as pinned in frontend/package-lock.json (its stylesheet is copied by scripts/build-frontend.sh).
setup_govuk_stamp="$setup_root/frontend/node_modules/govuk-frontend/.pvb-lock-hash"
setup_check_govuk_frontend() {
    [[ -f "$setup_govuk_stamp" && "$(cat "$setup_govuk_stamp")" == "$(setup_npm_hash "$setup_root/frontend")" ]] &&
        setup_found="govuk-frontend $(node -p "require('$setup_root/frontend/node_modules/govuk-frontend/package.json').version" 2>/dev/null || echo '?')"
}
setup_install_govuk_frontend() {
    command -v npm >/dev/null || { setup_error "npm is needed to install govuk-frontend (Node.js 20 or newer)"; return 1; }
    # npm ci starts node_modules afresh: binaryen (added with --no-save) is installed again next time it is asked for.
    (cd "$setup_root/frontend" && npm ci --no-audit --no-fund) || return 1
    setup_npm_hash "$setup_root/frontend" >"$setup_govuk_stamp"
}
setup_govuk_frontend() {
    setup_ensure "govuk-frontend (npm ci in frontend/)" frontend-node-modules "$(setup_repo_lock_dir)" \
        setup_check_govuk_frontend setup_install_govuk_frontend
}

# binaryen (wasm-opt), for scripts/build-frontend.sh's size pass (on unless WASM_OPT=0).
setup_check_binaryen() {
    local version
    version="$("$setup_wasm_opt_bin" --version 2>/dev/null)" &&
        [[ "$version" == "wasm-opt version $setup_binaryen_version"* ]] && setup_found="$version ($setup_wasm_opt_bin)"
}
setup_install_binaryen() {
    command -v npm >/dev/null || { setup_error "npm is needed to install binaryen (Node.js 20 or newer)"; return 1; }
    npm install --prefix "$setup_root/frontend" --no-save --no-audit --no-fund "binaryen@$setup_binaryen_version"
}
setup_binaryen() {
    setup_ensure "binaryen $setup_binaryen_version from npm (wasm-opt)" frontend-node-modules "$(setup_repo_lock_dir)" \
        setup_check_binaryen setup_install_binaryen
}

# playwright-core and axe-core for the browser tests, exactly as pinned in tests/e2e/package-lock.json.
setup_e2e_dir="$setup_root/tests/e2e"
setup_e2e_stamp() { echo "$(setup_npm_hash "$setup_e2e_dir") node=$(node -p 'process.versions.node.split(".")[0]')"; }
setup_check_e2e_modules() {
    local stamp_file="$setup_e2e_dir/node_modules/.e2e-lock-hash"
    [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$(setup_e2e_stamp)" ]] &&
        setup_found="tests/e2e/node_modules matches package-lock.json"
}
setup_install_e2e_modules() {
    command -v npm >/dev/null || { setup_error "npm is needed (Node.js 20 or newer)"; return 1; }
    (cd "$setup_e2e_dir" && npm ci --no-audit --no-fund) || return 1
    setup_e2e_stamp >"$setup_e2e_dir/node_modules/.e2e-lock-hash"
}
setup_e2e_modules() {
    setup_ensure "playwright-core and axe-core (npm ci in tests/e2e)" e2e-node-modules "$(setup_repo_lock_dir)" \
        setup_check_e2e_modules setup_install_e2e_modules
}

# ---- apt packages (as root) -------------------------------------------------------------------------------------------
# setup_apt_install PACKAGE...: apt-get update and install, retried while another apt-get holds apt's locks (e.g. an
# install started in the background).
setup_apt_install() {
    ((EUID == 0)) || { setup_error "install as root: apt-get update && apt-get install -y $*"; return 1; }
    command -v apt-get >/dev/null || { setup_error "no apt-get here: install $* with the system's package manager"; return 1; }
    echo "not found; installing $* with apt-get"
    setup_apt_retry update || return 1
    setup_apt_retry install -y "$@"
}
setup_apt_retry() {
    local try
    for try in 1 2 3 4 5 6 7 8 9 10 11 12; do
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3 "$@" && return 0
        echo "apt-get $1 failed (try $try of 12); retrying in 10 s" >&2
        sleep 10
    done
    return 1
}

# Debian's chromium for the browser tests (never a browser download, which cannot work here).
setup_check_chromium() {
    [[ -x "$setup_chromium_bin" ]] || return 1
    # Debian's wrapper script prints a harmless "[: ... unexpected operator" line; keep only the version.
    setup_found="$("$setup_chromium_bin" --version 2>/dev/null | tail -n 1) ($setup_chromium_bin)"
}
setup_chromium() {
    setup_ensure "Chromium (Debian's)" apt "$(setup_apt_lock_dir)" setup_check_chromium setup_apt_install chromium
}

setup_check_wrk() { command -v wrk >/dev/null && setup_found="$(command -v wrk)"; }
setup_wrk() { setup_ensure "wrk (HTTP load generator)" apt "$(setup_apt_lock_dir)" setup_check_wrk setup_apt_install wrk; }

setup_check_postgresql_client() {
    command -v psql >/dev/null && command -v pgbench >/dev/null && setup_found="$(psql --version)"
}
setup_postgresql_client() {
    setup_ensure "postgresql-client (psql, pgbench)" apt "$(setup_apt_lock_dir)" \
        setup_check_postgresql_client setup_apt_install postgresql-client
}

# ---- schemathesis, from PyPI into .tools/schemathesis ---------------------------------------------------------------
setup_check_schemathesis() {
    local version
    version="$("$setup_schemathesis_venv/bin/st" --version 2>/dev/null)" &&
        [[ "$version" == *" $setup_schemathesis_version" ]] && setup_found="$version ($setup_schemathesis_venv)"
}
setup_install_schemathesis() {
    command -v python3 >/dev/null || { setup_error "python3 is needed (Python 3.11 or newer)"; return 1; }
    echo "installing schemathesis $setup_schemathesis_version from PyPI into ${setup_schemathesis_venv#"$setup_root"/}"
    rm -rf "$setup_schemathesis_venv"
    python3 -m venv "$setup_schemathesis_venv" ||
        { setup_error "python3 -m venv failed (on Debian: apt-get install python3-venv)"; return 1; }
    "$setup_schemathesis_venv/bin/pip" install --quiet --disable-pip-version-check \
        "schemathesis==$setup_schemathesis_version"
}
setup_schemathesis() {
    setup_ensure "schemathesis $setup_schemathesis_version" schemathesis "$(setup_repo_lock_dir)" \
        setup_check_schemathesis setup_install_schemathesis
}

# setup NAME...: installs what the groups and tools named need, if missing. Fails at the first that cannot be set up.
setup() {
    local tools tool
    tools="$(setup_expand "$@")" || return 1
    for tool in $tools; do
        "setup_${tool//-/_}" || return 1
    done
}

setup_usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        "" | -h | --help)
            setup_usage
            [[ -n "${1:-}" ]] || exit 2
            ;;
        --list)
            echo "groups: $setup_groups"
            echo "tools:  ${setup_all_tools[*]}"
            for group in $setup_groups; do printf '%-6s %s\n' "$group" "$(setup_expand "$group")"; done
            ;;
        *)
            setup "$@"
            printf '\nsetup: ready (%s)\n' "$*"
            ;;
    esac
fi
