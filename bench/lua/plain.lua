-- The anchor: a route that does no work (GET /healthz).
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d status_errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
