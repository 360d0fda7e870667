#!/usr/bin/env bash
# Guards the promise that the shared `domain` crate runs in the browser: it must build for wasm32 and must not
# pull in anything server-side (an async runtime, the database layer, or OS randomness).
# Honours CARGO_TARGET_DIR like any cargo command.
set -euo pipefail

cd "$(dirname "$0")/.."
target=wasm32-unknown-unknown

cargo build -p domain --target "$target"

tree="$(cargo tree -p domain -e normal --target "$target")"
forbidden='tokio|actix|sea-orm|sqlx|mio|getrandom'
if offenders="$(grep -Ei "(^|[^a-z0-9_-])(${forbidden})([^a-z0-9_]|$)" <<<"$tree")"; then
    echo "error: the domain crate depends on server-only crates when built for $target:" >&2
    echo "$offenders" >&2
    echo "Put the dependency behind a feature, or move the code that needs it to crates/api." >&2
    exit 1
fi
echo "domain builds for $target without server-only dependencies"
