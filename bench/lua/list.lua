-- GET /v1/consents: a page of LIST_LIMIT (default 100) consents after an id read from the file named by IDS_FILE,
-- picked at random, with the filter in LIST_FILTER (e.g. "status=active"), if any.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require "common"
expected_status = 200

local ids = load_ids()
local key = os.getenv("API_KEY")
local limit = os.getenv("LIST_LIMIT") or "100"
local filter = os.getenv("LIST_FILTER")
local extra = (filter and filter ~= "") and ("&" .. filter) or ""

local requests = prebuilt_requests(ids, function(id)
  return wrk.format("GET", "/v1/consents?limit=" .. limit .. "&after=" .. id .. extra,
    {["Authorization"] = "Bearer " .. key})
end)

request = function()
  return requests[math.random(#requests)]
end
