-- The anchor: a route that does no work (GET /healthz).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require "common"
expected_status = 200
