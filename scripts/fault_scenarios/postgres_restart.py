"""postgres-restart: PostgreSQL stopped and started again (pg_ctl) under a capture and read load."""
import time
import uuid

from harness.api import CLIENT_TIMEOUT, Api, call_once, capture
from harness.checks import check_acknowledged_stored, check_audit, check_consents_whole
from harness.load import CaptureLoad, Probe
from harness.processes import poll_for, wait_until


def postgres_restart(scenario, sizes):
    report, sql = scenario.report, scenario.sql
    service = scenario.serve("serve")
    pid = service.child.pid
    readiness = Probe(service.port, "/readyz").start()
    load = CaptureLoad([service.port], scenario.checkout_key, workers=sizes.pg_workers, prefix="restart",
                       read_back=True).start()
    try:
        wait_until(lambda: len(load.captured()) >= 20, 60, "the first captures")
        time.sleep(2)
        outage_start, outage_end, healthz = restart_postgres(scenario, service.port, sizes.pg_outage_seconds)
        recovered = wait_until(lambda: readiness.first_ok_after(outage_end), 30, "/readyz to answer 200 again")
        report.say("PostgreSQL was down for %.1f s; /readyz answered 200 again %.1f s after it was started"
                   % (outage_end - outage_start, recovered - outage_end))
        time.sleep(3)
    finally:
        load.stop()
        readiness.stop()
    attempts = load.snapshot()
    check_answers_under_outage(report, attempts, outage_start, outage_end, recovered)
    check_readiness_under_outage(report, readiness.between(outage_start, outage_end))
    report.check(healthz == 200, "/healthz answered %s during the outage (the process itself is up)" % healthz)
    report.check(service.child.alive() and service.child.pid == pid,
                 "the same serve process (pid %d) is still running" % pid)
    check_notifier_recovered(report, sql, service.port, scenario.checkout_key)
    captured = load.captured()
    shapes = check_consents_whole(report, sql)
    check_acknowledged_stored(report, shapes, captured)
    check_audit(report, scenario)
    report.count(requests=len(attempts), unavailable=sum(1 for a in attempts if a.status == 503),
                 acknowledged=len(captured), recovery_s=round(recovered - outage_end, 1))


def restart_postgres(scenario, port, outage_seconds):
    """Stops the cluster, keeps it down, starts it again. Returns when the outage began and ended (monotonic)
    and the status /healthz of the service on `port` answered in the middle of it."""
    scenario.cluster.stop_server()
    outage_start = time.monotonic()
    scenario.report.say("stopped PostgreSQL (pg_ctl stop -m fast)")
    time.sleep(outage_seconds / 2)
    healthz = call_once(port, "GET", "/healthz").status
    time.sleep(outage_seconds / 2)
    outage_end = time.monotonic()
    scenario.cluster.start_server()
    scenario.report.say("started PostgreSQL again (pg_ctl start)")
    return outage_start, outage_end, healthz


def check_answers_under_outage(report, attempts, outage_start, outage_end, recovered):
    """Every request got an answer the contract allows; those made while the database was down, 503; those made
    after it was back, 2xx."""

    def acceptable(attempt):
        return attempt.status in (200, 201) or (attempt.status == 503 and
                                                attempt.error_code == "service_unavailable")

    bad = [attempt for attempt in attempts if not acceptable(attempt)]
    report.check(not bad, "all %d requests were answered 2xx, or 503 with the error body's service_unavailable "
                          "(%d otherwise%s)"
                 % (len(attempts), len(bad), "; e.g. %s" % describe_attempt(bad[0]) if bad else ""))
    inside = [attempt for attempt in attempts if attempt.started >= outage_start and attempt.ended <= outage_end]
    unavailable = [attempt for attempt in inside if attempt.status == 503]
    report.check(inside and len(unavailable) == len(inside),
                 "requests made while PostgreSQL was down: %d, all answered 503 (%d)" % (len(inside),
                                                                                         len(unavailable)))
    slowest = max((attempt.ended - attempt.started for attempt in attempts), default=0)
    report.say("slowest answer %.2f s (client limit %.0f s)" % (slowest, CLIENT_TIMEOUT))
    after = [attempt for attempt in attempts if attempt.started >= recovered + 1]
    report.check(after and all(attempt.status in (200, 201) for attempt in after),
                 "requests after recovery: %d, all answered 2xx (%d)" % (
                     len(after), sum(1 for attempt in after if attempt.status in (200, 201))))


def describe_attempt(attempt):
    return "%s %s answered %s %s" % (attempt.kind, attempt.reference, attempt.status,
                                     attempt.error_code or attempt.problem or "")


def check_readiness_under_outage(report, samples):
    unready = [sample for sample in samples if sample[1] == 503 and
               (sample[2] or {}).get("status") == "database_unavailable"]
    report.check(samples and len(unready) == len(samples),
                 "/readyz during the outage: %d probes, all 503 database_unavailable (%d)" % (len(samples),
                                                                                              len(unready)))


def check_notifier_recovered(report, sql, port, key):
    """The notifier inside the same process listens again and sends what is captured now."""
    listening = poll_for(lambda: sql.value("SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE 'LISTEN %'"),
                         15, interval=0.5)
    report.check(listening, "the notifier's LISTEN session is back (pg_stat_activity)")
    api = Api(port, key)
    try:
        consent_id = capture(api, "after-restart", active=True)
    finally:
        api.close()
    captured = time.monotonic()
    # Counted without the new consent's own message, which the notifier may already have sent.
    ahead = sql.value("SELECT count(*) FROM outbox WHERE state = 'queued' AND consent_id <> '%s'"
                      % uuid.UUID(consent_id))
    sent = poll_for(lambda: sql.value("SELECT count(*) = 1 FROM outbox WHERE consent_id = '%s' AND state = 'sent'"
                                      % consent_id), 30, interval=0.1)
    report.check(sent, "a confirmation captured after the restart was sent by the same process's notifier "
                       "(%.1f s after its capture, %d messages queued beside it)" % (time.monotonic() - captured,
                                                                                    ahead))
