#!/usr/bin/env bash
# Runs the example integrator (integrator.py) in a virtual environment of its own, made on first use with the pinned
# Standard Webhooks verifier from PyPI (requirements.txt). Every argument is passed on; see
#   examples/integrator/run.sh --help
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    cp "$here/requirements.txt" "$venv/requirements.txt"
fi
exec "$venv/bin/python" "$here/integrator.py" "$@"
