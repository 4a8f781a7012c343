-- Shared by the benchmark scripts: per-thread ids, unexpected-status counting and the RESULT line.
-- wrk counts only 4xx/5xx as errors; a benchmark of one path must also count any other unexpected status.
unexpected = 0
response = function(status, headers, body)
  if status ~= expected_status then unexpected = unexpected + 1 end
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

done = function(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  io.write(string.format("RESULT requests=%d errors=%d status_errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    wrong, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end

-- The ids in the file named by IDS_FILE, one a line, for scripts that pick one at random per request.
load_ids = function()
  local ids = {}
  for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
  return ids
end

-- One request per id, formatted once when the thread starts, so that each request costs the load generator about
-- what the anchor's fixed request does: wrk shares the cores with the service, and formatting a request per call
-- would take from the service a share the anchor does not.
prebuilt_requests = function(ids, format)
  local requests = {}
  for i, id in ipairs(ids) do requests[i] = format(id) end
  return requests
end
