// A small, fast webhook receiver for scripts/bench-webhooks.sh: answers every POST with 204 at once, and counts.
// Node's http server keeps connections alive, as a real receiver behind a load balancer would.
//   node receiver.mjs PORT
//   GET /stats  -> {"count": N, "first_ms": t, "last_ms": t, "ids": distinct webhook-ids}   (times: ms, monotonic)
//   POST /reset -> forget everything counted so far
import http from "node:http";

const port = Number(process.argv[2]);
let count = 0;
let first = 0;
let last = 0;
let ids = new Set();

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ count, first_ms: first, last_ms: last, ids: ids.size }));
    return;
  }
  if (req.method === "POST" && req.url === "/reset") {
    count = 0; first = 0; last = 0; ids = new Set();
    res.writeHead(204);
    res.end();
    return;
  }
  // A webhook (or the baseline's imitation of one): read the body, count, answer 204.
  req.on("data", () => {});
  req.on("end", () => {
    const now = performance.now();
    if (count === 0) first = now;
    last = now;
    count += 1;
    const id = req.headers["webhook-id"];
    if (id) ids.add(`${req.url} ${id}`);
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => console.log(`receiver on ${port}`));
