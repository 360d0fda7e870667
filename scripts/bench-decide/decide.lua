-- wrk script for POST /api/v1/staff/visits/{id}/decision: every request grants a DIFFERENT requested visit into the
-- slot it asked for, so each one should get 200 (a second decision on the same visit would be a 409).
-- usage: wrk -t THREADS -s decide.lua URL -- VISITS_FILE OFFSET THREADS TOKEN [LIMIT]
--   VISITS_FILE: one "visit_id,YYYY-MM-DD,HH:MM,HH:MM" line per requested visit (made by scripts/bench-decide.sh)
--   OFFSET:      lines already used (by the warm-up); thread t takes lines OFFSET+t+1, OFFSET+t+1+THREADS, ...
--   TOKEN:       a staff access token (Bearer)
--   LIMIT:       the last line this run may use (the warm-up's share), so that a warm-up faster than expected never
--                decides the measurement's visits first; 0 or absent for no limit
-- When a thread runs out of lines it counts `exhausted` and re-sends its last decision (a 409): the benchmark script
-- then reports that more visits are needed rather than a figure.
local script_dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(script_dir .. "report.lua")

statuses = {}
unexpected = 0
exhausted = 0
first_error = ""

local mine = {}
local next_index = 1
local headers

function init(args)
  local file, offset, nthreads, token = args[1], tonumber(args[2]), tonumber(args[3]), args[4]
  local limit = tonumber(args[5] or "0")
  local n = 0
  for line in io.lines(file) do
    n = n + 1
    if limit > 0 and n > limit then
      break
    end
    if n > offset and (n - offset - 1) % nthreads == tid then
      local id, date, start, finish = line:match("^([^,]+),([^,]+),([^,]+),([^,]+)$")
      if id then
        table.insert(mine, { id, date, start, finish })
      end
    end
  end
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
end

function request()
  local v = mine[next_index]
  if v == nil then
    exhausted = exhausted + 1
    v = mine[#mine]
  else
    next_index = next_index + 1
  end
  local body = string.format(
    '{"outcome":"grant","slot":{"date":"%s","start":"%s","end":"%s"},"expected_version":0}', v[2], v[3], v[4])
  return wrk.format("POST", "/api/v1/staff/visits/" .. v[1] .. "/decision", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then
    unexpected = unexpected + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body or "", 1, 300) end
  end
end
