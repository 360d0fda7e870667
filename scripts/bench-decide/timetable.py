#!/usr/bin/env python3
"""Helpers for scripts/bench-decide.sh.

  timetable.py body TIMETABLE.json CAPACITY SLOTS_PER_DAY OUT.json
      From GET /api/v1/staff/prisons/{id}/timetable, the PUT body that keeps the prison's rules and replaces its
      timetable by SLOTS_PER_DAY slots of 45 minutes every day of the week (from 08:00, one an hour), CAPACITY open
      places each, no closed dates or replacement slots, confirm_affected true.
  timetable.py slots AVAILABILITY.json OUT.csv
      The slots with state "available" in GET /api/v1/prisons/{id}/availability as "k,date,start,end" lines
      (k from 1). Prints how many; exits 1 when there are none.
"""
import json
import sys


def body(src: str, capacity: str, per_day: str, out: str) -> int:
    with open(src, encoding="utf-8") as f:
        current = json.load(f)
    per_day_n = int(per_day)
    if not 1 <= per_day_n <= 14:
        print("SLOTS_PER_DAY must be 1-14", file=sys.stderr)
        return 2
    weekly = [
        {
            "weekday": day,
            "start": f"{8 + h:02d}:00",
            "end": f"{8 + h:02d}:45",
            "capacity": int(capacity),
            "closed_capacity": 0,
        }
        for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        for h in range(per_day_n)
    ]
    put = {
        "rules": current["rules"],
        "timetable": {"weekly": weekly, "closed_dates": [], "replacements": []},
        "confirm_affected": True,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(put, f)
    return 0


def slots(src: str, out: str) -> int:
    with open(src, encoding="utf-8") as f:
        availability = json.load(f)
    found = [
        (slot["date"], slot["start"], slot["end"])
        for day in availability.get("days", [])
        for slot in day.get("slots", [])
        if slot.get("state") == "available"
    ]
    if not found:
        print(f"no slot with state 'available' in {src}", file=sys.stderr)
        return 1
    with open(out, "w", encoding="utf-8") as f:
        for k, (date, start, end) in enumerate(found, 1):
            for value in (date, start, end):
                if not all(c.isalnum() or c in "-:" for c in value):
                    print(f"unexpected characters in slot {(date, start, end)!r}", file=sys.stderr)
                    return 1
            f.write(f"{k},{date},{start},{end}\n")
    print(len(found))
    return 0


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "body":
        return body(*sys.argv[2:])
    if len(sys.argv) == 4 and sys.argv[1] == "slots":
        return slots(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
