"""primary-failover: the primary of a pg_auto_failover formation dies (its PostgreSQL and keeper SIGKILLed) under a
capture and validity load; the monitor promotes the synchronous secondary. Then the old node rejoins as a
secondary and the same happens the other way."""
import datetime
import time

from harness.api import Api, call_once, capture
from harness.checks import check_acknowledged_stored, check_audit, check_consents_whole
from harness.cluster import wait_for_sql
from harness.load import CaptureLoad, Probe, ValidityLoad
from harness.outbox import check_every_confirmation_arrived
from harness.processes import poll_for, wait_until

# Recovery is counted from the kill to the first capture answered 201 that was asked after it.
RECOVERY_LIMIT = 60
# After a refusal each client waits this long before its next request: a quarter of the 503's Retry-After, so
# that the time to recovery is not hidden behind the clients' own waits.
REFUSAL_PAUSE = 0.5


def primary_failover(scenario, sizes):
    report, sql, formation = scenario.report, scenario.sql, scenario.cluster
    maildir = scenario.folder / "maildir"
    _, smtp_port = scenario.smtp_server("smtp", maildir)
    # The first instance reads auditors' reports from the secondary (READ_DATABASE_URL, prefer-standby).
    standby_url = formation.url.replace("target_session_attrs=read-write", "target_session_attrs=prefer-standby")
    apis = [scenario.serve("api-1", without_notifier=True, READ_DATABASE_URL=standby_url),
            scenario.serve("api-2", without_notifier=True)]
    ports = [api.port for api in apis]
    notifier = scenario.notifier("notifier", SMTP_URL="smtp://127.0.0.1:%d" % smtp_port,
                                 SMTP_SECURITY="plaintext-loopback", NOTIFIER_POLL_SECONDS=1)
    api = Api(ports[0], scenario.admin_key)
    try:
        debited = [capture(api, "debited-%d" % n, active=True) for n in range(20)]
    finally:
        api.close()
    debit_date = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    check_standby_reads(report, ports, scenario.admin_key)
    readiness = Probe(ports[0], "/readyz").start()

    attempts, captured, recoveries = [], [], []
    for round_number in (1, 2):
        victim = formation.primary()
        load = CaptureLoad(ports, scenario.checkout_key, workers=sizes.failover_workers // 2,
                           prefix="round%d" % round_number, refusal_pause=REFUSAL_PAUSE).start()
        validity = ValidityLoad(ports, scenario.admin_key, sizes.failover_workers // 2, debited,
                                "amount=10.23&currency=EUR&date=%s" % debit_date, refusal_pause=REFUSAL_PAUSE).start()
        try:
            wait_until(lambda: len(load.captured()) >= 30, 60, "captures before the kill")
            time.sleep(sizes.failover_settle_seconds)
            formation.kill_node(victim)
            killed = time.monotonic()
            report.say("round %d: SIGKILLed %s (its pg_autoctl and PostgreSQL), the primary" % (round_number, victim))
            first = wait_until(lambda: first_capture_after(load, killed), RECOVERY_LIMIT,
                               "a capture answered 201 after the kill")
            promoted = wait_until(formation.primary, 30, "the monitor to name a primary")
            recoveries.append(first - killed)
            report.say("round %d: %s is primary; the first capture asked after the kill was answered 201 %.1f s "
                       "after it" % (round_number, promoted, first - killed))
            time.sleep(sizes.failover_settle_seconds)
        finally:
            load.stop()
            validity.stop()
        attempts += load.snapshot() + validity.snapshot()
        captured += load.captured()
        report.check(promoted != victim, "round %d: the secondary was promoted (%s, was %s)" % (
            round_number, promoted, victim))
        if round_number == 1:
            formation.run_node(victim)
            formation.wait_for_states({victim: ("secondary",), promoted: ("primary",)}, 120)
            report.say("%s rejoined as the synchronous secondary" % victim)
    readiness.stop()

    check_answers(report, attempts)
    retried = retry_refused_captures(report, ports[1], scenario.checkout_key, attempts)
    report.check(all(seconds <= 30 for seconds in recoveries), "each failover served captures again within 30 s "
                 "of the kill (%s)" % ", ".join("%.1f s" % seconds for seconds in recoveries))
    unready = sum(1 for sample in readiness.between(0, time.monotonic()) if sample[1] == 503)
    report.say("/readyz answered 503 %d times during the failovers" % unready)
    check_recovered(report, scenario, apis, notifier)
    shapes = check_consents_whole(report, sql)
    check_acknowledged_stored(report, shapes, captured)
    check_audit(report, scenario)
    stored = {shape["id"] for shape in shapes}
    lost = sum(1 for attempt in captured if attempt.consent_id not in stored)
    active = sql.value("SELECT count(*) FROM consents WHERE status = 'active'")
    unacknowledged = len(shapes) - len(captured) - len(retried) - len(debited) - 1
    report.check(unacknowledged == 0, "every stored consent was acknowledged, at its capture or at its retry "
                                      "(%d were not)" % unacknowledged)
    wait_for_sql(sql, "SELECT count(*) = 0 FROM outbox WHERE kind = 'confirmation' AND state = 'queued'", 120,
                 "every confirmation to be sent")
    copies = check_every_confirmation_arrived(report, sql, maildir, expected_active=active)
    report.count(acknowledged=len(captured), lost=lost,
                 recovery_s="/".join("%.1f" % seconds for seconds in recoveries), copies=copies,
                 requests=len(attempts), unavailable=sum(1 for attempt in attempts if attempt.status == 503))


def check_standby_reads(report, ports, key):
    """The compliance report read from the secondary says so and how far behind it was, and counts what the
    primary counts once the notifier has sent the confirmations it owes and the standby has replayed them."""
    today = datetime.date.today()
    path = "/v1/compliance/report?from=%s&to=%s" % (today.isoformat(), (today + datetime.timedelta(days=30)).isoformat())

    def both():
        answers = []
        for port in ports:
            reply = call_once(port, "GET", path, key=key)
            answers.append((reply.status, reply.headers.get("X-Read-Server"),
                            reply.headers.get("X-Replay-Lag-Seconds"),
                            [(line["duty"], line["outcome"], line["count"]) for line in reply.json().get("lines", [])]))
        return answers

    def settled():
        answers = both()
        sent = sum(count for duty, outcome, count in answers[1][3] if (duty, outcome) == ("confirmation",
                                                                                            "sent_on_time"))
        return answers if sent == 20 and answers[0][3] == answers[1][3] else None

    answers = poll_for(settled, 30, interval=0.5) or both()
    (status_1, server_1, lag_1, lines_1), (status_2, server_2, lag_2, lines_2) = answers
    report.check(status_1 == status_2 == 200 and server_1 == "standby" and server_2 == "primary",
                 "the report is read from the standby with READ_DATABASE_URL (X-Read-Server %s, lag %s s) and from "
                 "the primary without it (%s, %s s)" % (server_1, lag_1, server_2, lag_2))
    report.check(lines_1 == lines_2 and any(count for _, _, count in lines_1),
                 "both count the same duties once the 20 confirmations are sent (%d on the standby)" % sum(
                     count for duty, outcome, count in lines_1 if (duty, outcome) == ("confirmation", "sent_on_time")))


def retry_refused_captures(report, port, key, attempts):
    """Sends every capture that was refused or got no answer again, body for body, as a client would: each is
    answered 201 (it had not been committed) or 200 with the consent its first try committed, never anything else.
    Returns the retries' consent ids."""
    refused = {attempt.reference: attempt for attempt in attempts
               if attempt.kind == "capture" and attempt.status != 201 and attempt.body is not None}
    answers = {}
    api = Api(port, key)
    try:
        for reference, attempt in refused.items():
            reply = api.call("POST", "/v1/consents", attempt.body)
            answers[reference] = (reply.status, (reply.json() or {}).get("id"))
    finally:
        api.close()
    replayed = sum(1 for status, _ in answers.values() if status == 200)
    created = sum(1 for status, _ in answers.values() if status == 201)
    report.check(replayed + created == len(answers),
                 "each of %d refused captures sent again was answered 201 (%d, never committed) or 200 with the "
                 "consent its first try committed (%d)" % (len(answers), created, replayed))
    return [consent_id for status, consent_id in answers.values() if status in (200, 201) and consent_id]


def first_capture_after(load, moment):
    answered = [attempt.ended for attempt in load.captured() if attempt.started > moment]
    return min(answered) if answered else None


def check_answers(report, attempts):
    """Only 2xx, or 503 with the contract's body: never another status, a dropped connection or no answer."""

    def acceptable(attempt):
        return attempt.status in (200, 201) or (attempt.status == 503 and
                                                attempt.error_code == "service_unavailable")

    bad = [attempt for attempt in attempts if not acceptable(attempt)]
    example = ""
    if bad:
        first = bad[0]
        example = "; e.g. %s %s: %s %s" % (first.kind, first.reference, first.status,
                                           first.error_code or first.problem or "")
    report.check(not bad, "all %d requests were answered 2xx, or 503 service_unavailable (%d otherwise%s)"
                 % (len(attempts), len(bad), example))


def check_recovered(report, scenario, apis, notifier):
    """Both API instances and the notifier came back by themselves: the same processes answer and send."""
    report.check(all(api.child.alive() for api in apis) and notifier.alive(),
                 "both serve instances and the notifier are the processes started before the failovers")
    api = Api(apis[1].port, scenario.checkout_key)
    try:
        consent_id = capture(api, "after-failovers", active=True)
    finally:
        api.close()
    sent = poll_for(lambda: scenario.sql.value(
        "SELECT count(*) = 1 FROM outbox WHERE consent_id = '%s' AND state = 'sent'" % consent_id), 60, interval=0.2)
    report.check(bool(sent), "a consent captured after both failovers had its confirmation sent by the notifier")
