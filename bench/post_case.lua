-- post_case.lua - POST /api/v1/cases for an existing customer (id uniform
-- in 1..N) in one of 8 queues.  Each request is a durable create: case row,
-- "created" event, group commit with synchronous=FULL.  Subjects differ
-- (three random numbers), so heed's "no second ticket" check runs against
-- the customer's open cases and lets every one through.
--   wrk -t1 -c50 -d10s --latency -s bench/post_case.lua http://127.0.0.1:PORT -- TOKEN N
-- common.lua sits beside this script, wherever wrk is run from.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local n
local queues = { "billing", "support", "devices", "front-desk",
                 "returns", "shipping", "accounts", "technical" }

setup = common.setup

function init(args)
  n = common.init(args, 50000)
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = string.format(
    '{"customer_id":%d,"subject":"Load test %d %d %d","queue":"%s"}',
    math.random(1, n), math.random(1, 1000000000), math.random(1, 1000000000),
    math.random(1, 1000000000), queues[math.random(1, #queues)])
  return wrk.format("POST", "/api/v1/cases", nil, body)
end
