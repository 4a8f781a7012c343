"""Writes bench/REPORT.md from the figures the benchmarks recorded in one bench/run (bench/figures.py)."""
import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone

ORDER = ["api", "validity", "notifier", "export", "documents", "scaling"]


def number(value):
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def verdict(met):
    return {True: "met", False: "**not met**", None: "(reported)"}[met]


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("figures")
    parser.add_argument("--minutes", type=int, required=True)
    parser.add_argument("--quick", choices=["true", "false"], required=True)
    parser.add_argument("--failed", default="")
    args = parser.parse_args()
    with open(args.figures, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    rows.sort(key=lambda row: ORDER.index(row["benchmark"]) if row["benchmark"] in ORDER else len(ORDER))
    out = sys.stdout
    out.write("# Benchmark report\n\n")
    out.write(f"Written by `bench/run{' --quick' if args.quick == 'true' else ''}` on "
              f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC at commit {commit()}, in {args.minutes} minutes, on "
              f"{os.cpu_count()} cores ({platform.machine()}). The service, PostgreSQL, the load generator and the "
              "anchors share those cores, so each figure is compared with an anchor measured in the same run, "
              "and the ratio is what the targets are about.\n\n")
    if args.quick == "true":
        out.write("**A quick run:** small tables and short runs, to check the benchmarks; these figures are not "
                  "the ones the targets are about.\n\n")
    out.write("| benchmark | figure | value | anchor (same run) | ratio | target | |\n")
    out.write("|---|---|---:|---|---:|---|---|\n")
    for row in rows:
        anchor = f"{row['anchor']}: {number(row['anchorValue'])}" if row["anchor"] else ""
        ratio = f"{row['ratio']:.3f}" if row["ratio"] is not None else ""
        out.write(f"| {row['benchmark']} | {row['figure']} | {number(row['value'])} {row['unit']} | {anchor} | "
                  f"{ratio} | {row['target']} | {verdict(row['met'])} |\n")
    failed = [name for name in args.failed.split(";") if name]
    if failed:
        out.write("\n**Benchmarks that failed in this run** (their figures are missing above): "
                  + ", ".join(f"`{name}`" for name in failed) + "\n")
    missed = [row for row in rows if row["met"] is False]
    out.write(f"\n{len(rows)} figures; {sum(1 for row in rows if row['met'])} targets met, {len(missed)} not met.\n")


if __name__ == "__main__":
    main()
