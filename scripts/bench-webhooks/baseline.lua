-- wrk script for the receiver baseline: the same kind of request the delivery worker sends (a POST with a JSON
-- event payload of the same size and the three Standard Webhooks headers), hammered at the receiver directly.
-- usage: wrk -s baseline.lua URL -- BODY_FILE
local script_dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(script_dir .. "../bench/report.lua")

statuses = {}
unexpected = 0
first_error = ""

function init(args)
  local f = assert(io.open(args[1], "r"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["webhook-id"] = "01938f6e-8c2a-7b3e-9f10-2a4b6c8d0e1f"
  wrk.headers["webhook-timestamp"] = "1764584100"
  wrk.headers["webhook-signature"] = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status ~= 204 then
    unexpected = unexpected + 1
    if first_error == "" then first_error = key .. " " .. (body or ""):sub(1, 200) end
  end
end
