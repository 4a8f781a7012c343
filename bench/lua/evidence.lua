-- GET /v1/consents/{id}/evidence of the one consent in IDS_FILE, as the PDF document when EVIDENCE_ACCEPT is
-- application/pdf, else as the JSON bundle.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require "common"
expected_status = 200

local id = load_ids()[1]
local path = "/v1/consents/" .. id .. "/evidence"
local headers = {["Authorization"] = "Bearer " .. os.getenv("API_KEY"), ["Accept"] = os.getenv("EVIDENCE_ACCEPT")}
local built = wrk.format("GET", path, headers)

request = function()
  return built
end
