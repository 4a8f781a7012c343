"""Turns bench/documents' wrk RESULT lines ("json RESULT …" and "pdf RESULT …") into documents/s and the ratio."""
import re
import sys

import figures


def rate(line):
    fields = dict(re.findall(r"(\w+)=([0-9.]+)", line))
    if int(fields["errors"]) or int(fields["status_errors"]):
        sys.exit(f"errors in: {line.strip()}")
    return int(fields["requests"]) / float(fields["seconds"]), float(fields["p99_ms"])


def main():
    events, pages, size, peak_kb = (int(value) for value in sys.argv[1:5])
    runs = {line.split()[0]: rate(line) for line in sys.stdin if line.strip()}
    (json_rate, json_p99), (pdf_rate, pdf_p99) = runs["json"], runs["pdf"]
    ratio = pdf_rate / json_rate
    print(f"evidence bundle (JSON), {events} events: {json_rate:>9,.1f} /s   p99 {json_p99:.1f} ms")
    print(f"evidence document (PDF), {events} events: {pdf_rate:>8,.1f} /s   p99 {pdf_p99:.1f} ms"
          f"   ratio to JSON {ratio:.3f}   ({pages} pages, {size / 1024:.0f} KiB)")
    print(f"service resident memory: peak {peak_kb / 1024:.1f} MB")
    figures.record("documents", f"evidence PDF documents/s ({events} events, {pages} pages)", round(pdf_rate, 1),
                   "/s", "reported", None, "JSON bundle of the same consent", round(json_rate, 1), ratio)
    figures.record("documents", "service peak resident memory (VmHWM)", round(peak_kb / 1024, 1), "MB",
                   "reported", None)


if __name__ == "__main__":
    main()
