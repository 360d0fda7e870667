-- Copied from scripts/bench/report.lua for scripts/bench-decide.sh (plus an `exhausted` count): at the end, print
-- one machine-readable line
--   BENCH requests=N seconds=S rps=R p50_ms=X p99_ms=Y non2xx=N socket_errors=N unexpected=N exhausted=N
-- `unexpected` counts responses whose status is not the one expected (set `expected_status` in the thread
-- script; nil means "any 2xx/3xx", which wrk counts itself as errors.status).

threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local unexpected = 0
  local exhausted = 0
  local counts = {}
  local first_error = nil
  for _, thread in ipairs(threads) do
    local statuses = thread:get("statuses")
    if statuses ~= nil then
      for status, n in pairs(statuses) do
        counts[status] = (counts[status] or 0) + n
      end
    end
    local e = thread:get("first_error")
    if first_error == nil and e ~= nil and e ~= "" then first_error = e end
    unexpected = unexpected + (thread:get("unexpected") or 0)
    exhausted = exhausted + (thread:get("exhausted") or 0)
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d unexpected=%d exhausted=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, unexpected, exhausted))
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  if #parts > 0 then io.write("BENCH_STATUSES " .. table.concat(parts, " ") .. "\n") end
  if first_error ~= nil then io.write("BENCH_FIRST_ERROR " .. first_error .. "\n") end
end
