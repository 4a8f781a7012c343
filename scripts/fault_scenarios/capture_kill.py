"""capture-kill: `serve` SIGKILLed under a capture load and started again on the same database."""
import concurrent.futures
import threading
import time
from collections import Counter

from harness.api import Api
from harness.checks import check_acknowledged_stored, check_audit, check_consents_whole
from harness.load import CaptureLoad
from harness.processes import wait_until


def capture_kill(scenario, sizes):
    report, sql = scenario.report, scenario.sql
    first = scenario.serve("serve-1")
    load = CaptureLoad([first.port], scenario.checkout_key, workers=32, prefix="kill").start()
    wait_until(lambda: len(load.captured()) >= 32, 60, "the first captures")
    time.sleep(sizes.capture_seconds)
    scenario.kill(first.child)
    report.say("SIGKILLed serve (pid %d) under load" % first.child.pid)
    load.stop()
    attempts = load.snapshot()
    captured = load.captured()
    unanswered = [attempt for attempt in attempts if attempt.status is None]
    others = Counter(attempt.status for attempt in attempts if attempt.status not in (None, 201))
    report.say("captures asked %d: 201 %d, no answer %d (in flight at the kill or after it), other answers %s"
               % (len(attempts), len(captured), len(unanswered), dict(others) or "none"))
    report.check(not others, "no capture answered anything but 201 before the kill")

    second = scenario.serve("serve-2")
    report.say("serve started again on the same database (pid %d)" % second.child.pid)
    check_captures_readable(report, second.port, scenario.checkout_key, captured)
    shapes = check_consents_whole(report, sql)
    check_acknowledged_stored(report, shapes, captured)
    acknowledged = {attempt.consent_id for attempt in captured}
    report.say("%d consents were committed without their 201 reaching the client (allowed: the answer died "
               "with the process)" % len([s for s in shapes if s["id"] not in acknowledged]))
    check_audit(report, scenario)
    report.count(acknowledged=len(captured), stored=len(shapes), unanswered=len(unanswered))


def check_captures_readable(report, port, key, captured):
    """GETs every consent answered 201, over a few connections at once."""
    local = threading.local()

    def read(attempt):
        if not hasattr(local, "api"):
            local.api = Api(port, key)
        reply = local.api.call("GET", "/v1/consents/" + attempt.consent_id)
        data = reply.json() or {}
        expected = "active" if attempt.active else "pending"
        return reply.status == 200 and data.get("status") == expected and \
            data.get("merchantReference") == attempt.reference

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(read, captured, timeout=120))
    report.check(all(results), "GET of every consent answered 201 finds it with its reference and state "
                               "(%d of %d)" % (sum(results), len(results)))
