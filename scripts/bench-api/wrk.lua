-- `just bench-api`: wrk's request script. Every request goes to a random
-- seeded user with that user's own token (and, for complete, one of that
-- user's own tasks).
--
--   wrk … -s wrk.lua URL -- DATA_FILE SCENARIO
--
-- DATA_FILE: one line per user, "<user uuid> <token> <task uuid> …"
-- (mint-tokens.mjs writes it). SCENARIO: list | create | complete | mix
-- (60 % list, 30 % create, 10 % complete). done() prints one line,
-- "BENCH_RESULT {json}", that run.sh reads.

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
  if scenario ~= "list" and scenario ~= "create" and scenario ~= "complete" and scenario ~= "mix" then
    error("wrk.lua: unknown scenario " .. tostring(scenario))
  end
  for line in io.lines(path) do
    local fields = {}
    for field in line:gmatch("%S+") do
      fields[#fields + 1] = field
    end
    local tasks = {}
    for i = 3, #fields do
      tasks[#tasks + 1] = fields[i]
    end
    users[#users + 1] = { path = "/api/" .. fields[1] .. "/tasks", auth = "Bearer " .. fields[2], tasks = tasks }
  end
  if #users == 0 then
    error("wrk.lua: no users in " .. tostring(path))
  end
  math.randomseed(os.time() * 100 + thread_number)
end

local function list(user)
  return wrk.format("GET", user.path .. "?limit=50", { Authorization = user.auth })
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

function request()
  local user = users[math.random(#users)]
  if scenario == "list" then
    return list(user)
  elseif scenario == "create" then
    return create(user)
  elseif scenario == "complete" then
    return complete(user)
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
