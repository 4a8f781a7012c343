"""Turns the RESULT lines of a benchmark run into figures and ratios to the anchor measured in the same run."""
import argparse
import sys

import figures


def parse(lines):
    runs = {}
    for line in lines:
        parts = line.split()
        if len(parts) < 2 or parts[1] != "RESULT":
            continue
        values = dict(part.split("=", 1) for part in parts[2:])
        requests = int(values["requests"])
        seconds = float(values["seconds"])
        runs[parts[0]] = {
            "rate": requests / seconds if seconds else 0.0,
            "p50": float(values["p50_ms"]),
            "p99": float(values["p99_ms"]),
            "errors": int(values["errors"]) + int(values["status_errors"]),
            "requests": requests,
        }
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--consents", type=int, required=True)
    parser.add_argument("--label", help="the benchmark's name in bench/REPORT.md (default: api or validity)")
    args = parser.parse_args()
    runs = parse(sys.stdin.read().splitlines())
    anchor = runs.get("healthz")
    if not anchor or not anchor["rate"]:
        sys.exit("no /healthz figure: the run failed")
    print(f"{args.connections} connections, {args.consents} stored consents")
    print(f"{'run':<10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio to /healthz':>20}")
    for name, run in runs.items():
        ratio = run["rate"] / anchor["rate"]
        print(f"{name:<10}{run['rate']:>10.0f}{run['p50']:>9.2f}{run['p99']:>9.2f}{run['errors']:>8}{ratio:>20.3f}")
    if "validity" in runs and runs.get("pgbench", {}).get("rate"):
        print(f"validity / pgbench of the same lookup: {runs['validity']['rate'] / runs['pgbench']['rate']:.3f}")
    if "validity" in runs and runs.get("validity-amended", {}).get("rate"):
        print(f"validity with one consent in four amended / without: "
              f"{runs['validity-amended']['rate'] / runs['validity']['rate']:.3f} (rate), "
              f"{runs['validity-amended']['p99'] / runs['validity']['p99']:.3f} (p99)")
    record(runs, anchor, args)
    failed = [name for name, run in runs.items() if run["errors"]]
    if failed:
        sys.exit(f"requests failed in: {', '.join(failed)}")


def record(runs, anchor, args):
    """The targets of issues 2 and 4, for bench/REPORT.md."""
    label = args.label or ("validity" if "validity" in runs else "api")
    where = f"{args.consents:,} consents, {args.connections} connections"
    healthz = ("GET /healthz", round(anchor["rate"]))
    if "read" in runs:
        read = runs["read"]
        ratio = read["rate"] / anchor["rate"]
        figures.record(label, f"GET /v1/consents/{{id}} req/s ({where})", round(read["rate"]), "req/s",
                       "ratio >= 0.50", ratio >= 0.5, *healthz, ratio)
    if "capture" in runs:
        capture = runs["capture"]
        figures.record(label, f"POST /v1/consents req/s ({where})", round(capture["rate"]), "req/s",
                       ">= 2,000/s", capture["rate"] >= 2000, *healthz, capture["rate"] / anchor["rate"])
        figures.record(label, f"POST /v1/consents p99 ({where})", capture["p99"], "ms", "< 25 ms",
                       capture["p99"] < 25)
    if "validity" in runs:
        validity = runs["validity"]
        ratio = validity["rate"] / anchor["rate"]
        figures.record(label, f"GET …/validity req/s ({where})", round(validity["rate"]), "req/s",
                       "ratio >= 0.60", ratio >= 0.6, *healthz, ratio)
        figures.record(label, f"GET …/validity p99 ({where})", validity["p99"], "ms", "<= 10 ms",
                       validity["p99"] <= 10)
        amended = runs.get("validity-amended")
        if amended and validity["rate"]:
            kept = amended["rate"] / validity["rate"]
            figures.record(label, f"GET …/validity req/s with one consent in four amended ({where})",
                           round(amended["rate"]), "req/s", "ratio >= 0.90", kept >= 0.9,
                           "without amendments, same run", round(validity["rate"]), kept)
            grown = amended["p99"] / validity["p99"] if validity["p99"] else 0
            figures.record(label, f"GET …/validity p99 with one consent in four amended ({where})",
                           amended["p99"], "ms", "ratio <= 1.10", grown <= 1.1,
                           "without amendments, same run", validity["p99"], grown)
        pgbench = runs.get("pgbench")
        if pgbench and pgbench["rate"]:
            figures.record(label, f"GET …/validity req/s against pgbench of the same lookup ({where})",
                           round(validity["rate"]), "req/s", "reported", None, "pgbench, same statement",
                           round(pgbench["rate"]), validity["rate"] / pgbench["rate"])


if __name__ == "__main__":
    main()
