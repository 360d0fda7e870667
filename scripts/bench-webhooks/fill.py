#!/usr/bin/env python3
"""Queue webhook deliveries for scripts/bench-webhooks.sh: make exactly N distinct, valid visit requests through
POST /api/v1/visits (each is one `visit.requested` event, so one delivery per subscription), from THREADS threads
over kept-alive connections. Every answer must be 201.

usage: fill.py BASE_URL PRISON_ID AVAILABILITY.json N [THREADS]   (prints the seconds it took)
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse


def main() -> int:
    if len(sys.argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    base, prison_id, availability_file, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) == 6 else 16
    with open(availability_file, encoding="utf-8") as f:
        availability = json.load(f)
    slots = [(s["date"], s["start"], s["end"]) for d in availability.get("days", []) for s in d.get("slots", [])
             if s.get("state") == "available"]
    if not slots:
        print(f"no available slot in {availability_file}", file=sys.stderr)
        return 1
    url = urllib.parse.urlsplit(base)
    lock = threading.Lock()
    state = {"next": 0, "failed": None}
    run = random.randrange(10**6)

    def body(i: int) -> str:
        chosen = random.sample(slots, min(len(slots), random.randint(1, 3)))
        surname = f"Hook{run}x{i}"
        number = f"{chr(65 + i // 10000 % 26)}{i % 10000:04d}{chr(65 + run % 26)}{chr(65 + run // 26 % 26)}"
        return json.dumps({
            "prison_id": prison_id,
            "prisoner": {"first_name": "John", "last_name": surname, "date_of_birth": "1985-04-12", "number": number},
            "lead_visitor": {"first_name": "Mary", "last_name": surname, "date_of_birth": "1980-07-01",
                             "email": f"hook{run}x{i}@example.com", "phone": "07700 900123"},
            "other_visitors": [],
            "slots": [{"date": d, "start": s, "end": e} for d, s, e in chosen],
            "locale": "en",
        })

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            with lock:
                if state["next"] >= n or state["failed"]:
                    return
                i = state["next"]
                state["next"] += 1
            conn.request("POST", url.path.rstrip("/") + "/visits", body=body(i),
                         headers={"Content-Type": "application/json", "Idempotency-Key": f"hook-{run}-{i}"})
            response = conn.getresponse()
            text = response.read()
            if response.status != 201:
                with lock:
                    state["failed"] = f"{response.status} {text[:300]!r}"
                return

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if state["failed"]:
        print(f"a visit request failed: {state['failed']}", file=sys.stderr)
        return 1
    print(f"{time.monotonic() - started:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
