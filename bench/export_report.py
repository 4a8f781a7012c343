"""Turns bench/export's timed runs ("name rows nanoseconds" per line) into rows/s, the ratio and memory."""
import sys

import figures


def main():
    expected, rss_start_kb, peak_kb = (int(value) for value in sys.argv[1:4])
    best = {}
    for line in sys.stdin:
        name, rows, nanoseconds = line.split()
        if int(rows) != expected:
            sys.exit(f"{name} exported {rows} rows, not {expected}")
        best[name] = max(best.get(name, 0.0), int(rows) / (int(nanoseconds) / 1e9))
    psql, service = best["psql"], best["service"]
    print(f"psql \\copy to CSV:       {psql:>12,.0f} rows/s")
    print(f"GET /v1/exports (CSV):   {service:>12,.0f} rows/s   ratio to psql {service / psql:.2f} (target >= 0.50)")
    print(f"service resident memory: {rss_start_kb / 1024:.1f} MB after start, peak {peak_kb / 1024:.1f} MB"
          " (target < 100 MB)")
    figures.record("export", f"CSV export rows/s ({expected:,} consents)", round(service), "rows/s",
                   "ratio >= 0.50", service / psql >= 0.5, "psql \\copy of the same rows", round(psql), service / psql)
    figures.record("export", "service peak resident memory (VmHWM)", round(peak_kb / 1024, 1), "MB", "< 100 MB",
                   peak_kb / 1024 < 100)


if __name__ == "__main__":
    main()
