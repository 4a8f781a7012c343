-- GET /v1/consents/{id} over ids read from the file named by IDS_FILE, picked at random.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require "common"
expected_status = 200

local ids = load_ids()
local key = os.getenv("API_KEY")

local requests = prebuilt_requests(ids, function(id)
  return wrk.format("GET", "/v1/consents/" .. id, {["Authorization"] = "Bearer " .. key})
end)

request = function()
  return requests[math.random(#requests)]
end
