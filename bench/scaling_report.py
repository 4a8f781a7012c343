"""Turns bench/scaling's lines into a table per table size and the figures for bench/REPORT.md.

Input lines: "SIZE NAME RESULT requests=… seconds=… p50_ms=… p99_ms=… errors=… status_errors=…" from wrk, and
"SIZE claim due=N MS ROWS" from the timed claims, and "SIZE report MS INSTANCES" from the compliance report of a
month holding the same duties at each size (REPORT_INSTANCES of them).
"""
import argparse
import sys

import figures
from report import parse

REPORT_INSTANCES = 20500

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, required=True)
    args = parser.parse_args()
    runs, claims, reports = {}, {}, {}
    for line in sys.stdin.read().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "claim":
            size, due = int(parts[0]), int(parts[2].split("=", 1)[1])
            claims[(size, due)] = {"ms": float(parts[3]), "rows": int(parts[4])}
        elif len(parts) == 4 and parts[1] == "report":
            reports[int(parts[0])] = {"ms": float(parts[2]), "instances": int(parts[3])}
        elif len(parts) >= 3 and parts[2] == "RESULT":
            runs.setdefault(int(parts[0]), []).append(" ".join(parts[1:]))
    problems = []
    sizes = sorted(set(runs) | {size for size, _ in claims} | set(reports))
    for size in sizes:
        sized = parse(runs.get(size, []))
        anchor = sized.get("healthz")
        if not anchor or not anchor["rate"]:
            problems.append(f"{size}: no /healthz figure")
            continue
        where = f"{size:,} consents, {args.connections} connections"
        print(f"{where}")
        print(f"  {'run':<10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio to /healthz':>20}")
        for name, run in sized.items():
            print(f"  {name:<10}{run['rate']:>10.0f}{run['p50']:>9.2f}{run['p99']:>9.2f}{run['errors']:>8}"
                  f"{run['rate'] / anchor['rate']:>20.3f}")
            if run["errors"]:
                problems.append(f"{size} {name}: {run['errors']} failed requests")
        healthz = ("GET /healthz", round(anchor["rate"]))
        if "validity" in sized:
            validity = sized["validity"]
            figures.record("scaling", f"GET …/validity p99 ({where})", validity["p99"], "ms", "<= 10 ms",
                           validity["p99"] <= 10)
            ratio = validity["rate"] / anchor["rate"]
            figures.record("scaling", f"GET …/validity req/s ({where})", round(validity["rate"]), "req/s",
                           "ratio >= 0.60", ratio >= 0.6, *healthz, ratio)
        for name, query in (("list", "GET /v1/consents?limit=100&after="), ("list-active", "… &status=active")):
            if name in sized:
                figures.record("scaling", f"{query} p50 ({where})", sized[name]["p50"], "ms", "reported", None)
        if "capture" in sized:
            capture = sized["capture"]
            figures.record("scaling", f"POST /v1/consents req/s ({where})", round(capture["rate"]), "req/s",
                           ">= 2,000/s", capture["rate"] >= 2000, *healthz, capture["rate"] / anchor["rate"])
        for due in sorted(d for s, d in claims if s == size):
            claim = claims[(size, due)]
            print(f"  claim of {due:,} due messages: {claim['ms']:.2f} ms (found {claim['rows']:,})")
            if claim["rows"] != due:
                problems.append(f"{size}: the claim found {claim['rows']} of {due} due messages")
    smallest, largest = (sizes[0], sizes[-1]) if sizes else (None, None)
    for due in sorted({d for _, d in claims}):
        small, large = claims.get((smallest, due)), claims.get((largest, due))
        if not small or not large or smallest == largest:
            continue
        # The same number due at a table 100 times larger: this ratio stays near 1 when the claim's work follows
        # the number due.
        growth = large["ms"] / small["ms"]
        print(f"claim of {due:,} due: {growth:.2f} times as long at {largest:,} consents as at {smallest:,}")
        figures.record("scaling", f"claim of {due:,} due messages ({largest:,} consents)", round(large["ms"], 2),
                       "ms", "<= 2 x the time at the small table", growth <= 2,
                       f"same claim at {smallest:,} consents", round(small["ms"], 2), growth)
    if smallest != largest:
        for name, query in (("list", "GET /v1/consents?limit=100&after="), ("list-active", "… &status=active")):
            small = parse(runs.get(smallest, [])).get(name)
            large = parse(runs.get(largest, [])).get(name)
            if not small or not large or not small["p50"]:
                continue
            # A page read by index from a table 100 times larger: the same work, so about the same time.
            growth = large["p50"] / small["p50"]
            print(f"{query} page p50: {growth:.2f} times as long at {largest:,} consents as at {smallest:,}")
            figures.record("scaling", f"{query} page p50 ({largest:,} consents)", round(large["p50"], 2), "ms",
                           "<= 1.5 x the time at the small table", growth <= 1.5,
                           f"same page at {smallest:,} consents", round(small["p50"], 2), growth)
    for size, report in sorted(reports.items()):
        print(f"compliance report of a month ({REPORT_INSTANCES:,} duties) at {size:,} consents: {report['ms']:.1f} ms")
        if report["instances"] != REPORT_INSTANCES:
            problems.append(f"{size}: the report counted {report['instances']} duties, not {REPORT_INSTANCES}")
        figures.record("scaling", f"GET /v1/compliance/report, a month of {REPORT_INSTANCES:,} duties ({size:,} consents)",
                       round(report["ms"], 1), "ms", "< 2,000 ms", report["ms"] < 2000)
    small, large = reports.get(smallest), reports.get(largest)
    if small and large and smallest != largest:
        # The same duties in the month at a table 100 times larger: the same rows read, so about the same time.
        growth = large["ms"] / small["ms"]
        print(f"compliance report: {growth:.2f} times as long at {largest:,} consents as at {smallest:,}")
        figures.record("scaling", f"compliance report growth ({largest:,} against {smallest:,} consents)",
                       round(large["ms"], 1), "ms", "reported", None, f"same month at {smallest:,} consents",
                       round(small["ms"], 1), growth)
    for size in sizes:
        few, many = claims.get((size, 1000)), claims.get((size, 10000))
        if few and many:
            print(f"at {size:,} consents, 10,000 due take {many['ms'] / few['ms']:.1f} times as long as 1,000")
    if problems:
        sys.exit("; ".join(problems))


if __name__ == "__main__":
    main()
