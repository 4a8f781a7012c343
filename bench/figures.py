"""Records a benchmark's figures for bench/run, which gathers them into bench/REPORT.md.

A figure is one measured value, the anchor it is compared with (measured in the same run), their ratio, and the
target it is held to. Figures are appended as JSON lines to the file named by BENCH_FIGURES; without it (a
benchmark run by hand) nothing is written.
"""
import json
import os


def record(benchmark, figure, value, unit, target, met, anchor=None, anchor_value=None, ratio=None):
    path = os.environ.get("BENCH_FIGURES")
    if not path:
        return
    line = {
        "benchmark": benchmark,
        "figure": figure,
        "value": value,
        "unit": unit,
        "anchor": anchor,
        "anchorValue": anchor_value,
        "ratio": ratio,
        "target": target,
        "met": met,
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
