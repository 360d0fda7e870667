#!/usr/bin/env bash
# Runs the example integrator against the real service and checks that it works end to end: the service (PVB_BIN,
# default target/debug/prison-visits) on a fresh SQLite file with the demo prisons; an admin makes an API key; the
# integrator subscribes itself to webhooks with it; a family requests a visit; the integrator receives the signed
# webhook, reads the change feed and holds the visit with its reference; a forged webhook is refused with 401; a
# second integrator started from nothing catches up from the feed alone. About 10 seconds. scripts/test.sh runs it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${PVB_BIN:-$root/target/debug/prison-visits}"
work="$(mktemp -d /tmp/pvb-integrator.XXXXXX)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "examples/integrator/check.sh: FAILED: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -30 "$f" >&2; done; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }

port=$(free_port); hook_port=$(free_port)
api="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$work/service.db?mode=rwc" PORT=$port HOST=127.0.0.1 DEMO_DATA=true \
    WEBHOOKS_ALLOW_LOOPBACK=true WEBHOOKS_POLL_SECONDS=1 OUTBOX_POLL_SECONDS=1 RUST_LOG=warn \
    "$bin" >"$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fsS "$api/api/v1/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$api/api/v1/ready" >/dev/null || fail "the service did not start"

token=$(curl -fsS "$api/api/v1/staff/sign-in" -H 'content-type: application/json' \
    -d '{"email":"admin@demo.example","password":"demo-visits-password"}' | json 'd["access_token"]')
prison=$(curl -fsS "$api/api/v1/prisons" | json '[p["id"] for p in d if p.get("instant_booking") is not True][0]')
key=$(curl -fsS "$api/api/v1/api-keys" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"name\":\"Example integrator\",\"prison_ids\":[\"$prison\"],\"scopes\":[\"visits:read\",\"webhooks:manage\"]}" |
    json 'd["secret"]')

"$root/examples/integrator/run.sh" --api "$api" --key "$key" --prison "$prison" --state "$work/one.sqlite3" \
    --listen "127.0.0.1:$hook_port" --subscribe --poll-seconds 3600 >"$work/integrator.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do grep -q "receiving webhooks" "$work/integrator.log" && break; sleep 0.2; done
grep -q "receiving webhooks" "$work/integrator.log" || fail "the integrator did not start"

# A family requests a visit at the first time with places.
slot=$(curl -fsS "$api/api/v1/prisons/$prison/availability" |
    json 'next(s for day in d["days"] for s in day["slots"] if s["state"] == "available")')
body=$(python3 - "$prison" "$slot" <<'PY'
import json, sys
slot = eval(sys.argv[2])
print(json.dumps({"prison_id": sys.argv[1], "locale": "en",
    "prisoner": {"first_name": "John", "last_name": "Smith", "date_of_birth": "1985-04-12", "number": "A1234BC"},
    "lead_visitor": {"first_name": "Mary", "last_name": "Smith", "date_of_birth": "1980-07-01",
                     "email": "mary.smith@example.com", "phone": "07700 900123"},
    "other_visitors": [], "slots": [{"date": slot["date"], "start": slot["start"], "end": slot["end"]}]}))
PY
)
created=$(curl -sS "$api/api/v1/visits" -H 'content-type: application/json' -d "$body")
reference=$(echo "$created" | json 'd["reference"]') || fail "the visit request was refused: $created"

# The webhook arrives, is verified, and the integrator reads the feed: it holds the visit.
for _ in $(seq 100); do grep -q "webhook .*visit.requested" "$work/integrator.log" && break; sleep 0.2; done
grep -q "webhook .*visit.requested" "$work/integrator.log" || fail "no verified visit.requested webhook"
held=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT reference, state FROM visit').fetchall())" "$work/one.sqlite3")
[[ "$held" == *"'$reference', 'requested'"* ]] || fail "the integrator holds $held, not $reference requested"

# A forged webhook (signed with another secret) is refused.
forged=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hook_port/webhooks" -H 'content-type: application/json' \
    -H 'webhook-id: msg_forged' -H "webhook-timestamp: $(date +%s)" -H 'webhook-signature: v1,bm90IGEgc2lnbmF0dXJl' -d '{}')
[ "$forged" = 401 ] || fail "a forged webhook got $forged, not 401"

# An integrator that was never running catches up from the feed alone.
caught=$("$root/examples/integrator/run.sh" --api "$api" --key "$key" --prison "$prison" --state "$work/two.sqlite3" --once)
[[ "$caught" == *"$reference"* ]] || fail "catching up from the feed gave $caught"
echo "examples/integrator/check.sh: the integrator verified the webhook and holds visit $reference, requested"
