-- GET /v1/consents/{id} over ids read from the file named by IDS_FILE, picked at random.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local key = os.getenv("API_KEY")

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/consents/" .. id, {["Authorization"] = "Bearer " .. key})
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d status_errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
