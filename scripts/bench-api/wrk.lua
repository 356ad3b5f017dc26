-- `just bench-api`: wrk's request script. Every request goes to a random
-- seeded user with that user's own token (and to that user's own list and
-- tasks).
--
--   wrk … -s wrk.lua URL -- DATA_FILE SCENARIO
--
-- DATA_FILE: one line per user (run.sh and mint-tokens.mjs write it),
--   "<user uuid> <token> <list uuid> <task uuid>,… <task uuid>,…":
-- the list "Work" (more than 50 tasks), its top-level tasks, and all the
-- user's tasks. SCENARIO:
--   list          GET …/tasks?limit=50 (all lists, newest first)
--   list_in_list  GET …/tasks?list_id=<Work>&limit=50 (its manual order)
--   create        POST …/tasks
--   complete      PATCH …/tasks/{id}/complete, {"completed": true|false}
--   move          POST …/tasks/{id}/move, a top-level task of Work before or
--                 after another one (they stay siblings, so every move is valid)
--   mix           60 % list, 30 % create, 10 % complete
-- done() prints one line, "BENCH_RESULT {json}", that run.sh reads.

local users = {}
local scenario
local threads = {}
non2xx = 0

local create_body = '{"title":"Benchmark task","description":"Created by just bench-api",'
  .. '"priority":"high","due_at":"2030-01-01T09:00:00Z"}'
-- What the web app sends when a task is (un)checked.
local complete_bodies = { '{"completed":true}', '{"completed":false}' }

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local path = args[1]
  scenario = args[2]
  local known = { list = true, list_in_list = true, create = true, complete = true, move = true, mix = true }
  if not known[scenario] then
    error("wrk.lua: unknown scenario " .. tostring(scenario))
  end
  local function ids(csv)
    local out = {}
    for id in (csv or ""):gmatch("[^,]+") do
      out[#out + 1] = id
    end
    return out
  end
  for line in io.lines(path) do
    local fields = {}
    for field in line:gmatch("%S+") do
      fields[#fields + 1] = field
    end
    local user = {
      path = "/api/" .. fields[1] .. "/tasks",
      auth = "Bearer " .. fields[2],
      list = fields[3],
      movable = ids(fields[4]),
      tasks = ids(fields[5]),
    }
    if #user.movable < 2 or #user.tasks == 0 then
      error("wrk.lua: a user without tasks to move or complete in " .. tostring(path))
    end
    users[#users + 1] = user
  end
  if #users == 0 then
    error("wrk.lua: no users in " .. tostring(path))
  end
  math.randomseed(os.time() * 100 + thread_number)
end

local function list(user)
  return wrk.format("GET", user.path .. "?limit=50", { Authorization = user.auth })
end

local function list_in_list(user)
  return wrk.format("GET", user.path .. "?list_id=" .. user.list .. "&limit=50", { Authorization = user.auth })
end

local function create(user)
  return wrk.format("POST", user.path,
    { Authorization = user.auth, ["Content-Type"] = "application/json" }, create_body)
end

local function complete(user)
  local task = user.tasks[math.random(#user.tasks)]
  return wrk.format("PATCH", user.path .. "/" .. task .. "/complete",
    { Authorization = user.auth, ["Content-Type"] = "application/json" },
    complete_bodies[math.random(2)])
end

local function move(user)
  local n = #user.movable
  local i = math.random(n)
  -- Another one of the siblings: an anchor must not be the task itself.
  local j = (i + math.random(n - 1) - 1) % n + 1
  local side = math.random(2) == 1 and "before" or "after"
  return wrk.format("POST", user.path .. "/" .. user.movable[i] .. "/move",
    { Authorization = user.auth, ["Content-Type"] = "application/json" },
    '{"' .. side .. '":"' .. user.movable[j] .. '"}')
end

local scenarios = { list = list, list_in_list = list_in_list, create = create, complete = complete, move = move }

function request()
  local user = users[math.random(#users)]
  local single = scenarios[scenario]
  if single then
    return single(user)
  end
  local roll = math.random(100)
  if roll <= 60 then
    return list(user)
  elseif roll <= 90 then
    return create(user)
  end
  return complete(user)
end

function response(status)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"latency_us":{"p50":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean))
end
