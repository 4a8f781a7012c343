-- POST /v1/consents with a fresh merchantReference and recurrenceId on every request.
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require "common"
expected_status = 201

local key = os.getenv("API_KEY")
local counter = 0
local run = os.time()
local template = [[{"merchantReference":"bench-r%dt%dn%d","consumer":{"firstName":"Darrel","lastName":"Keeling",
"email":"darrel@example.com","phone":"+37066666666","language":"en"},"terms":{"type":"scheduled","amount":"10.23",
"currency":"EUR","amountType":"fixed","firstDebitDate":"2026-12-15","dateType":"fixed",
"frequency":{"interval":"monthly"},"endDate":"2028-12-15"},"communication":{"method":"email",
"address":"darrel@example.com"},"card":{"brand":"VISA","last4":"1096","expiryMonth":12,"expiryYear":2030},
"evidence":{"acceptedAt":"2026-01-02T10:15:00Z","ipAddress":"203.0.113.7","userAgent":"bench",
"disclosureText":"I agree to be charged 10.23 EUR monthly.","disclosureVersion":"2026-11"},
"recurrenceId":"rec-r%dt%dn%d"}]]

request = function()
  counter = counter + 1
  local body = string.format(template, run, thread_id, counter, run, thread_id, counter)
  return wrk.format("POST", "/v1/consents",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
