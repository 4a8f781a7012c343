"""Turns the RESULT lines of a benchmark run into figures and ratios to the anchor measured in the same run."""
import argparse
import statistics
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
    rounds = amendment_rounds(runs)
    for index, (without, amended) in enumerate(rounds, start=1):
        print(f"round {index}: validity with one consent in four amended / without: "
              f"{amended['rate'] / without['rate']:.3f} (rate), {amended['p99'] / without['p99']:.3f} (p99)")
    if rounds:
        rate, p99 = median_ratios(rounds)
        print(f"median over {len(rounds)} rounds: {rate:.3f} (rate), {p99:.3f} (p99)")
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
        rounds = amendment_rounds(runs)
        if rounds:
            kept, grown = median_ratios(rounds)
            amended_rate = statistics.median(amended["rate"] for _, amended in rounds)
            without_rate = statistics.median(without["rate"] for without, _ in rounds)
            amended_p99 = statistics.median(amended["p99"] for _, amended in rounds)
            without_p99 = statistics.median(without["p99"] for without, _ in rounds)
            rounds_note = f"median of {len(rounds)} alternating rounds"
            figures.record(label, f"GET …/validity req/s with one consent in four amended ({where}, {rounds_note})",
                           round(amended_rate), "req/s", "ratio >= 0.90", kept >= 0.9,
                           "without amendments, same rounds", round(without_rate), kept)
            figures.record(label, f"GET …/validity p99 with one consent in four amended ({where}, {rounds_note})",
                           amended_p99, "ms", "ratio <= 1.10", grown <= 1.1,
                           "without amendments, same rounds", without_p99, grown)
        pgbench = runs.get("pgbench")
        if pgbench and pgbench["rate"]:
            figures.record(label, f"GET …/validity req/s against pgbench of the same lookup ({where})",
                           round(validity["rate"]), "req/s", "reported", None, "pgbench, same statement",
                           round(pgbench["rate"]), validity["rate"] / pgbench["rate"])


def amendment_rounds(runs):
    """(without, with) pairs of the alternating amendment rounds; the first round's run without amendments is
    the plain validity run."""
    rounds = []
    for index in range(1, 10):
        without = runs.get("validity" if index == 1 else f"validity-without-{index}")
        amended = runs.get(f"validity-amended-{index}")
        if not without or not amended or not without["rate"] or not without["p99"]:
            break
        rounds.append((without, amended))
    return rounds


def median_ratios(rounds):
    """The median, over the rounds, of each round's rate ratio and p99 ratio (amended / without)."""
    return (statistics.median(amended["rate"] / without["rate"] for without, amended in rounds),
            statistics.median(amended["p99"] / without["p99"] for without, amended in rounds))


if __name__ == "__main__":
    main()
