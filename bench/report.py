"""Turns the RESULT lines of a benchmark run into figures and ratios to the anchor measured in the same run."""
import argparse
import sys


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
    failed = [name for name, run in runs.items() if run["errors"]]
    if failed:
        sys.exit(f"requests failed in: {', '.join(failed)}")


if __name__ == "__main__":
    main()
