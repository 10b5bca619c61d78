-- common.lua - shared by the heed wrk scripts (loaded with dofile).
--
-- Arguments come after `--` on the wrk command line:
--   wrk ... -s bench/get_case.lua URL -- TOKEN N [MODE]
-- TOKEN is an API token (`heed token create`), N the number of cases (or
-- customers for post_case.lua).  HEED_TOKEN and HEED_N in the environment
-- stand in for missing arguments.
local M = {}

local counter = 0

-- setup runs once per wrk thread in the main Lua state: give each thread its
-- own seed so threads do not request the same id sequence.
function M.setup(thread)
  counter = counter + 1
  thread:set("thread_seed", counter)
end

function M.init(args, default_n)
  local token = args[1] or os.getenv("HEED_TOKEN")
  if not token or token == "" then
    error("give the API token: wrk ... -- TOKEN N")
  end
  local n = tonumber(args[2] or os.getenv("HEED_N") or default_n)
  math.randomseed(os.time() * 1000 + (thread_seed or 0))
  wrk.headers["Authorization"] = "Bearer " .. token
  return n, args[3]
end

return M
