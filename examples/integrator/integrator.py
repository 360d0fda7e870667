"""An example integrator for Prison Visit Booking: it keeps a local copy of one prison's visits up to date.

The change feed is the source of truth and webhooks are the nudge (see "For integrators" in the project's README):

1. On start, and whenever a webhook arrives (or every --poll-seconds at the latest), it reads the prison's change feed
   (GET /api/v1/prisons/{prison_id}/changes?after=CURSOR) from the cursor it saved last, applies each change to its
   local database in order and saves the new cursor in the same SQLite transaction. A change is applied once even if
   the integrator is killed half-way: the cursor and the changes it covers commit together.
2. It receives webhooks on --listen, verifies each one with the Standard Webhooks reference library (signature,
   timestamp within five minutes), answers 401 to anything unsigned or signed with another secret, and ignores a
   `webhook-id` it has seen before (deliveries are at least once).
3. With --subscribe, it creates its own webhook subscription through the API (a key with the `webhooks:manage` scope)
   and keeps the signing secret in its database, so a restart reuses it.

Its state lives in one SQLite file (--state): the cursor, the webhook secret, the ids of webhooks seen and, for each
visit, its reference, state and the position of the last change applied. Only Python's standard library and the
pinned `standardwebhooks` package are used; `run.sh` beside this file installs that into a virtual environment.
"""

from __future__ import annotations

import argparse
import http.server
import json
import logging
import sqlite3
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

log = logging.getLogger("integrator")

SCHEMA = """
CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_seen (id TEXT PRIMARY KEY, received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS visit (
    id TEXT PRIMARY KEY,
    reference TEXT,
    state TEXT,
    last_event TEXT NOT NULL,
    last_position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS change_applied (position INTEGER PRIMARY KEY, type TEXT NOT NULL, visit_id TEXT);
"""


class Api:
    """The few calls the integrator makes, with its API key as the bearer token."""

    def __init__(self, base_url: str, key: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise RuntimeError(f"{method} {path} answered {error.code}: {detail}") from None

    def changes(self, prison_id: str, cursor: str | None, limit: int = 100) -> dict:
        query = {"limit": str(limit)}
        if cursor:
            query["after"] = cursor
        return self.call("GET", f"/api/v1/prisons/{prison_id}/changes?{urllib.parse.urlencode(query)}")

    def subscribe(self, url: str, prison_id: str) -> dict:
        return self.call(
            "POST",
            "/api/v1/webhooks/subscriptions",
            {"url": url, "prison_ids": [prison_id], "description": "Example integrator (examples/integrator)"},
        )


class Store:
    """The integrator's SQLite file. One connection, used under a lock (the HTTP server and the syncer are threads)."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def setting(self, name: str) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT value FROM setting WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_setting(self, name: str, value: str) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO setting (name, value) VALUES (?, ?)", (name, value))

    def first_sight(self, webhook_id: str) -> bool:
        """True the first time a webhook id is seen; deliveries are at least once, so repeats are expected."""
        with self.lock:
            cursor = self.db.execute("INSERT OR IGNORE INTO webhook_seen (id) VALUES (?)", (webhook_id,))
        return cursor.rowcount == 1

    def apply_page(self, changes: list[dict], next_cursor: str | None) -> int:
        """Applies a page of changes and saves the cursor after them, in one transaction. Returns how many were new."""
        applied = 0
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for change in changes:
                    position = int(change["position"])
                    inserted = self.db.execute(
                        "INSERT OR IGNORE INTO change_applied (position, type, visit_id) VALUES (?, ?, ?)",
                        (position, change["type"], change.get("visit_id")),
                    ).rowcount
                    if not inserted:
                        continue
                    applied += 1
                    visit = visit_of(change)
                    if visit is not None:
                        self.db.execute(
                            """INSERT INTO visit (id, reference, state, last_event, last_position)
                               VALUES (:id, :reference, :state, :event, :position)
                               ON CONFLICT (id) DO UPDATE SET
                                 reference = COALESCE(excluded.reference, visit.reference),
                                 state = COALESCE(excluded.state, visit.state),
                                 last_event = excluded.last_event, last_position = excluded.last_position
                               WHERE excluded.last_position > visit.last_position""",
                            {**visit, "event": change["type"], "position": position},
                        )
                if next_cursor:
                    self.db.execute("INSERT OR REPLACE INTO setting (name, value) VALUES ('cursor', ?)", (next_cursor,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return applied

    def visits(self) -> list[tuple]:
        with self.lock:
            return self.db.execute("SELECT reference, state, last_event, last_position FROM visit ORDER BY reference").fetchall()


def visit_of(change: dict) -> dict | None:
    """The visit a change is about, as the integrator keeps it: id, reference and state (None for other changes)."""
    visit_id = change.get("visit_id")
    if not visit_id:
        return None
    data = change.get("data") or {}
    return {"id": visit_id, "reference": data.get("reference"), "state": data.get("state")}


class Syncer(threading.Thread):
    """Reads the feed from the saved cursor until it has no more, whenever nudged and at least every poll interval."""

    def __init__(self, api: Api, store: Store, prison_id: str, poll_seconds: float):
        super().__init__(daemon=True)
        self.api, self.store, self.prison_id, self.poll_seconds = api, store, prison_id, poll_seconds
        self.nudged = threading.Event()
        self.synced = threading.Condition()
        self.rounds = 0

    def nudge(self) -> None:
        self.nudged.set()

    def sync_once(self) -> int:
        total = 0
        while True:
            page = self.api.changes(self.prison_id, self.store.setting("cursor"))
            changes = page.get("events") or []
            total += self.store.apply_page(changes, page.get("next_cursor"))
            for change in changes:
                log.info("change %s: %s %s", change["position"], change["type"], change.get("visit_id") or "")
            if not page.get("has_more"):
                return total

    def run(self) -> None:
        while True:
            try:
                self.sync_once()
            except Exception as error:  # the API down or refusing: try again at the next nudge or poll
                log.warning("sync failed: %s", error)
            with self.synced:
                self.rounds += 1
                self.synced.notify_all()
            self.nudged.wait(self.poll_seconds)
            self.nudged.clear()


def webhook_handler(store: Store, syncer: Syncer, secret_holder: dict):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1_000_000))
            secret = secret_holder.get("secret")
            if not secret:
                return self.answer(503)
            try:
                payload = Webhook(secret).verify(body, dict(self.headers.items()))
            except (WebhookVerificationError, ValueError) as error:
                log.warning("refused a webhook: %s", error)
                return self.answer(401)
            webhook_id = self.headers["webhook-id"]
            if store.first_sight(webhook_id):
                log.info("webhook %s: %s", webhook_id, payload.get("type"))
                syncer.nudge()
            self.answer(204)

        def answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (the standard library's name)
            log.debug(format, *args)

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="the service's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="an API key (pvb_...) with visits:read (and webhooks:manage to --subscribe)")
    parser.add_argument("--prison", required=True, help="the prison's id (a UUID) whose visits to follow")
    parser.add_argument("--state", default="integrator.sqlite3", help="the integrator's SQLite file (default %(default)s)")
    parser.add_argument("--listen", default="127.0.0.1:8787", help="where to receive webhooks (default %(default)s)")
    parser.add_argument("--public-url", help="the URL the service posts webhooks to (default http://LISTEN/webhooks)")
    parser.add_argument("--secret", help="the subscription's signing secret (whsec_...), if not made with --subscribe")
    parser.add_argument("--subscribe", action="store_true", help="create a webhook subscription for --public-url")
    parser.add_argument("--poll-seconds", type=float, default=60.0, help="read the feed at least this often (default 60)")
    parser.add_argument("--once", action="store_true", help="catch up from the feed, print the visits, and exit")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s")

    api = Api(args.api, args.key)
    store = Store(args.state)
    syncer = Syncer(api, store, args.prison, args.poll_seconds)
    if args.once:
        count = syncer.sync_once()
        print(json.dumps({"applied": count, "visits": [list(row) for row in store.visits()]}))
        return 0

    host, _, port = args.listen.rpartition(":")
    public_url = args.public_url or f"http://{args.listen}/webhooks"
    secret_holder = {"secret": args.secret or store.setting("secret")}
    if args.subscribe and not secret_holder["secret"]:
        subscription = api.subscribe(public_url, args.prison)
        secret_holder["secret"] = subscription["secret"]
        store.set_setting("secret", subscription["secret"])
        store.set_setting("subscription", str(subscription["id"]))
        log.info("subscribed %s as %s", public_url, subscription["id"])
    if args.secret:
        store.set_setting("secret", args.secret)

    server = http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), webhook_handler(store, syncer, secret_holder))
    syncer.start()
    log.info("receiving webhooks on %s; following prison %s", public_url, args.prison)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
