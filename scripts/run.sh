#!/usr/bin/env bash
# Sets up a fresh machine and runs the service on SQLite with demo data at http://127.0.0.1:8080/.
# Installs what is missing with `scripts/setup.sh run` (the wasm32 target, a wasm-bindgen CLI of the pinned version,
# wasm-split-cli, govuk-frontend), builds the web client, then builds and starts the server. Pass RELEASE=1 for an
# optimised build; any settings (PORT, DATABASE_URL, ...) are passed through the environment as described in README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v cargo >/dev/null || { echo "error: Rust is not installed; install it with rustup (https://rustup.rs)" >&2; exit 1; }
scripts/setup.sh run
scripts/build-frontend.sh

profile_flag=()
[[ "${RELEASE:-0}" == "1" ]] && profile_flag=(--release)
export LOG_FORMAT="${LOG_FORMAT:-pretty}"
echo
echo "==> Starting Prison Visit Booking on http://${HOST:-127.0.0.1}:${PORT:-8080}/ (API docs at /api/docs/)"
exec cargo run "${profile_flag[@]}" -p api --bin prison-visits -- serve
