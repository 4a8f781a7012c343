-- POST /v1/consents with a fresh merchantReference and recurrenceId on every request.
local key = os.getenv("API_KEY")
local threads = {}
local counter = 0
local thread_id = 0
local next_id = 0

setup = function(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

local template = [[{"merchantReference":"bench-r%dt%dn%d","consumer":{"firstName":"Darrel","lastName":"Keeling",
"email":"darrel@example.com","phone":"+37066666666","language":"en"},"terms":{"type":"scheduled","amount":"10.23",
"currency":"EUR","amountType":"fixed","firstDebitDate":"2026-12-15","dateType":"fixed",
"frequency":{"interval":"monthly"},"endDate":"2028-12-15"},"communication":{"method":"email",
"address":"darrel@example.com"},"card":{"brand":"VISA","last4":"1096","expiryMonth":12,"expiryYear":2030},
"evidence":{"acceptedAt":"2026-01-02T10:15:00Z","ipAddress":"203.0.113.7","userAgent":"bench",
"disclosureText":"I agree to be charged 10.23 EUR monthly.","disclosureVersion":"2026-11"},
"recurrenceId":"rec-r%dt%dn%d"}]]
local run = os.time()

request = function()
  counter = counter + 1
  local body = string.format(template, run, thread_id, counter, run, thread_id, counter)
  return wrk.format("POST", "/v1/consents",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d status_errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
