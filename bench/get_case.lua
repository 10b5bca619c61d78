-- get_case.lua - GET /api/v1/cases/{id}, id uniform in 1..N.
--   wrk -t1 -c50 -d10s --latency -s bench/get_case.lua http://127.0.0.1:PORT -- TOKEN N
-- common.lua sits beside this script, wherever wrk is run from.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local n

setup = common.setup

function init(args)
  n = common.init(args, 1000000)
end

function request()
  return wrk.format("GET", "/api/v1/cases/" .. math.random(1, n))
end
