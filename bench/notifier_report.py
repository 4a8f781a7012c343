"""Turns the RESULT lines of bench/notifier into rates and the notifier's ratio to smtp-source in the same run."""
import argparse
import os
import sys

import figures


def parse(lines):
    runs = {}
    for line in lines:
        parts = line.split()
        if len(parts) < 2 or parts[1] != "RESULT":
            continue
        values = dict(part.split("=", 1) for part in parts[2:])
        messages = int(values["messages"])
        seconds = float(values["seconds"] or 0)
        runs[parts[0]] = {
            "messages": messages,
            "seconds": seconds,
            "rate": messages / seconds if seconds else 0.0,
            "values": values,
        }
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    args = parser.parse_args()
    runs = parse(sys.stdin.read().splitlines())
    anchor = runs.get("smtp-source")
    if not anchor or not anchor["rate"]:
        sys.exit("no smtp-source figure: the run failed")
    print(f"{args.sessions} SMTP sessions, {args.messages} messages, smtp-source bodies of {args.size} bytes, "
          f"notifier batches of {args.batch}")
    print(f"{'run':<13}{'messages':>10}{'seconds':>10}{'messages/s':>12}{'ratio to smtp-source':>22}")
    for name, run in runs.items():
        ratio = run["rate"] / anchor["rate"]
        print(f"{name:<13}{run['messages']:>10}{run['seconds']:>10.2f}{run['rate']:>12.0f}{ratio:>22.3f}")
    notifier = runs.get("notifier")
    if notifier and notifier["rate"]:
        ratio = notifier["rate"] / anchor["rate"]
        figures.record("notifier", f"messages/s from the outbox to smtp-sink ({args.messages:,} messages, "
                       f"{args.sessions} sessions)", round(notifier["rate"]), "messages/s", "ratio >= 0.50",
                       ratio >= 0.5, "smtp-source -d, same sink", round(anchor["rate"]), ratio)
    if notifier and notifier["messages"] and "cpu_seconds" in notifier["values"]:
        cpu = float(notifier["values"]["cpu_seconds"])
        print(f"notifier process CPU: {cpu:.1f} s, {cpu * 1000 / notifier['messages']:.2f} ms per message "
              f"({os.cpu_count()} cores here)")
    # notifier-db is the span of sent_at, so it leaves out the insert, the wake-up and the last poll that the
    # wall clock includes.
    db = runs.get("notifier-db")
    if db and db["values"].get("first_send"):
        # Counted from the start of the inserting transaction, so the insert itself is part of it.
        print(f"first notifier message sent {float(db['values']['first_send']) * 1000:.0f} ms after the insert began")
    problems = []
    for name in ("smtp-source", "notifier"):
        run = runs.get(name)
        if not run:
            problems.append(f"{name}: no figure")
            continue
        values = run["values"]
        if run["messages"] != args.messages:
            problems.append(f"{name}: {run['messages']} of {args.messages} messages")
        if "received" in values and int(values["received"]) != args.messages:
            problems.append(f"{name}: smtp-sink received {values['received']} of {args.messages}")
        if int(values.get("retried", 0)):
            print(f"{name}: {values['retried']} messages needed more than one attempt")
        if int(values.get("withdrawn", 0)):
            problems.append(f"{name}: {values['withdrawn']} messages withdrawn")
    if problems:
        sys.exit("; ".join(problems))


if __name__ == "__main__":
    main()
