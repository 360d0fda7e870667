-- wrk script for POST /api/v1/visits: every request is a distinct, valid visit request (its own prisoner,
-- visitors, 1-3 distinct available slots and Idempotency-Key), so each one should get 201 Created.
-- usage: wrk -s create.lua URL -- SLOTS_LUA PRISON_ID RUN_ID
--   SLOTS_LUA: a file returning { {"YYYY-MM-DD","HH:MM","HH:MM"}, ... } (made by slots_to_lua.py)
local script_dir = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(script_dir .. "report.lua")

local first_names = { "John", "Paul", "Mark", "Lee", "Adam", "Omar", "Kwame", "Rhys", "Tomasz", "Dylan" }
local visitor_names = { "Mary", "Sarah", "Aisha", "Joan", "Megan", "Priya", "Zofia", "Carys", "Grace", "Nadia" }
local child_names = { "Amy", "Leo", "Ruby", "Noah", "Isla", "Alfie", "Evie", "Ivy" }
local letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

statuses = {}
unexpected = 0
first_error = ""

local slots, prison_id, run_id
local counter = 0

function init(args)
  slots = dofile(args[1])
  prison_id = args[2]
  run_id = args[3] or "run"
  math.randomseed(1000003 * (tid + 1) + os.time())
end

local function letter(n) return string.sub(letters, n + 1, n + 1) end

-- n in base 26 as lower-case letters ("a" for 0): makes every surname distinct.
local function suffix(n)
  local s = ""
  repeat
    s = string.lower(letter(n % 26)) .. s
    n = math.floor(n / 26)
  until n == 0
  return s
end

-- Letter, four digits, two letters: distinct for every i below 26 * 10000 * 676.
local function prison_number(i)
  local two = math.floor(i / 10000) % 676
  return letter(math.floor(i / 6760000) % 26) .. string.format("%04d", i % 10000)
    .. letter(math.floor(two / 26)) .. letter(two % 26)
end

local function dob(first_year, years)
  return string.format("%04d-%02d-%02d", first_year + math.random(0, years - 1), math.random(1, 12), math.random(1, 28))
end

local function person(first, last, birth)
  return string.format('"first_name":"%s","last_name":"%s","date_of_birth":"%s"', first, last, birth)
end

function request()
  counter = counter + 1
  local i = tid * 10000000 + counter
  local surname = "Smith" .. suffix(i)

  -- 1 to 3 distinct slots, in random order.
  local wanted = math.min(math.random(1, 3), #slots)
  local chosen, used = {}, {}
  while #chosen < wanted do
    local k = math.random(1, #slots)
    if not used[k] then
      used[k] = true
      local s = slots[k]
      table.insert(chosen, string.format('{"date":"%s","start":"%s","end":"%s"}', s[1], s[2], s[3]))
    end
  end

  local others = {}
  for c = 1, math.random(0, 2) do
    table.insert(others, "{" .. person(child_names[math.random(#child_names)], surname, dob(2010, 14)) .. "}")
  end

  local body = string.format(
    '{"prison_id":"%s","prisoner":{%s,"number":"%s"},"lead_visitor":{%s,"email":"visitor%d@example.com",'
      .. '"phone":"07700 9%05d"},"other_visitors":[%s],"slots":[%s],"locale":"%s"}',
    prison_id,
    person(first_names[math.random(#first_names)], surname, dob(1960, 40)),
    prison_number(i),
    person(visitor_names[math.random(#visitor_names)], surname, dob(1950, 50)),
    i,
    i % 100000,
    table.concat(others, ","),
    table.concat(chosen, ","),
    (i % 5 == 0) and "cy" or "en")
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_id, tid, counter),
  }
  return wrk.format("POST", "/api/v1/visits", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 201 then
    unexpected = unexpected + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body or "", 1, 300) end
  end
end
