"""smtp-outage: the SMTP server goes away while confirmations are queued and comes back on the same port."""
import time

from harness.api import Api, capture, metric
from harness.cluster import wait_for_sql
from harness.outbox import check_every_confirmation_arrived, wait_for_queue_to_drain


def smtp_outage(scenario, sizes):
    report, sql = scenario.report, scenario.sql
    maildir = scenario.folder / "maildir"
    smtp, smtp_port = scenario.smtp_server("smtp-1", maildir)
    service = scenario.serve("serve", SMTP_URL="smtp://127.0.0.1:%d" % smtp_port, SMTP_SECURITY="plaintext-loopback",
                             NOTIFIER_POLL_SECONDS=1, OVERDUE_CHECK_SECONDS=1)
    api = Api(service.port, scenario.checkout_key)
    for n in range(3):
        capture(api, "before-%d" % n, active=True)
    wait_for_sql(sql, "SELECT count(*) = 3 FROM outbox WHERE state = 'sent'", 30, "the first confirmations")

    scenario.stop(smtp)
    report.say("stopped the SMTP server (pid %d) after 3 confirmations went through" % smtp.pid)
    overdue = capture_while_smtp_is_away(scenario, api, sizes)
    api.close()
    queued = sizes.smtp_fresh + sizes.smtp_overdue
    time.sleep(sizes.smtp_extra_outage_seconds)
    during = {row["state"]: row["n"] for row in sql.rows("SELECT state, count(*) AS n FROM outbox GROUP BY state")}
    report.check(during == {"sent": 3, "queued": queued},
                 "while the server was away nothing was sent or failed for good: %s" % during)

    smtp, _ = scenario.smtp_server("smtp-2", maildir, port=smtp_port)
    back = time.monotonic()
    report.say("the SMTP server is back on port %d (pid %d)" % (smtp_port, smtp.pid))
    wait_for_queue_to_drain(sql, "kind = 'confirmation'")
    report.say("the queue was empty %.1f s later (the retries' own schedule)" % (time.monotonic() - back))
    duplicates = check_every_confirmation_arrived(report, sql, maildir, expected_active=3 + queued)
    retries = metric(service.port, 'message_retries_total{kind="confirmation"}')
    report.check(retries >= queued, "message_retries_total{kind=\"confirmation\"} is %d, at least one per queued "
                                    "message (%d)" % (retries, queued))
    check_overdue_flags(report, sql, service.port, overdue)
    report.count(queued_in_outage=queued, overdue=len(overdue), duplicates=duplicates, retries=int(retries))


def capture_while_smtp_is_away(scenario, api, sizes):
    """Captures active consents, some imported past their confirmation's due day, and waits until each
    confirmation has failed once and the overdue ones are flagged. Returns the overdue consents' ids."""
    sql = scenario.sql
    for n in range(sizes.smtp_fresh):
        capture(api, "fresh-%d" % n, active=True)
    # An import from an earlier system: accepted ten days ago, so its confirmation.dueBy has passed already.
    overdue = [capture(api, "imported-%d" % n, active=True, accepted_days_ago=10) for n in range(sizes.smtp_overdue)]
    queued = sizes.smtp_fresh + sizes.smtp_overdue
    wait_for_sql(sql, "SELECT count(*) = %d FROM outbox WHERE state = 'queued' AND last_error IS NOT NULL AND "
                      "lease_owner IS NULL" % queued, 60, "every queued confirmation to fail once")
    wait_for_sql(sql, "SELECT count(*) = %d FROM consents WHERE confirmation_overdue_at IS NOT NULL"
                 % len(overdue), 30, "the overdue confirmations to be flagged")
    scenario.report.say("%d confirmations failed their first attempt while the server was away (%s)" % (
        queued, sql.value("SELECT min(last_error) FROM outbox WHERE state = 'queued'")))
    return overdue


def check_overdue_flags(report, sql, port, overdue):
    """Exactly the consents in `overdue` are flagged (README, "Emails"), each once, on its row, its history and
    the metric."""
    flagged = sql.rows("""
        SELECT c.id::text AS id, c.confirmation_overdue_at IS NOT NULL AS marked, count(e.seq) AS events
        FROM consents c LEFT JOIN consent_events e
          ON e.merchant_id = c.merchant_id AND e.consent_id = c.id AND e.type = 'confirmation.overdue'
        GROUP BY c.merchant_id, c.id, c.confirmation_overdue_at""")
    expected = set(overdue)

    def as_expected(row):
        if row["id"] in expected:
            return row["events"] == 1 and row["marked"]
        return row["events"] == 0 and not row["marked"]

    right = [row for row in flagged if as_expected(row)]
    report.check(len(right) == len(flagged), "exactly the %d consents past their due day have one "
                                             "confirmation.overdue event and confirmation_overdue_at (%d of %d "
                                             "consents as expected)" % (len(expected), len(right), len(flagged)))
    counted = metric(port, "confirmations_overdue_total")
    report.check(counted == len(expected), "confirmations_overdue_total is %d (expected %d)"
                 % (counted, len(expected)))
