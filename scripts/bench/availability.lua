-- wrk script for GET .../availability: a plain GET of the URL given to wrk; only adds the report line.
-- usage: wrk -s availability.lua URL   (also used for the static baseline: both must answer 200)
local script_dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(script_dir .. "report.lua")

statuses = {}
unexpected = 0
first_error = ""

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then
    unexpected = unexpected + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body or "", 1, 300) end
  end
end
