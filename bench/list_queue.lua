-- list_queue.lua - the agent's queue page: GET /api/v1/cases?queue=support&limit=50.
-- MODE "deep" adds a cursor deep in the list (a random id in N/20..N/10,
-- i.e. past 90% of the queue, newest first), the page a paging client
-- reaches last.
--   wrk -t1 -c50 -d10s --latency -s bench/list_queue.lua http://127.0.0.1:PORT -- TOKEN N [deep]
-- common.lua sits beside this script, wherever wrk is run from.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local n, deep

setup = common.setup

function init(args)
  local mode
  n, mode = common.init(args, 1000000)
  deep = (mode == "deep")
end

function request()
  local path = "/api/v1/cases?queue=support&limit=50"
  if deep then
    local lo = math.max(2, math.floor(n / 20))
    path = path .. "&cursor=" .. math.random(lo, math.max(lo, math.floor(n / 10)))
  end
  return wrk.format("GET", path)
end
