#!/usr/bin/env python3
"""Turn an availability response (GET /api/v1/prisons/{id}/availability) into a Lua table of the slots that can be
chosen, for create.lua:  return { {"2026-12-02","14:15","16:15"}, ... }

usage: slots_to_lua.py AVAILABILITY.json OUT.lua   (exits 1 when no slot is available)
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        availability = json.load(f)
    slots = [
        (slot["date"], slot["start"], slot["end"])
        for day in availability.get("days", [])
        for slot in day.get("slots", [])
        if slot.get("state") == "available"
    ]
    if not slots:
        print(f"no slot with state 'available' in {sys.argv[1]}", file=sys.stderr)
        return 1
    for triple in slots:
        for value in triple:
            if not all(c.isalnum() or c in "-:" for c in value):
                print(f"unexpected characters in slot {triple!r}", file=sys.stderr)
                return 1
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write("return {\n")
        for date, start, end in slots:
            out.write(f'  {{"{date}","{start}","{end}"}},\n')
        out.write("}\n")
    print(len(slots))
    return 0


if __name__ == "__main__":
    sys.exit(main())
