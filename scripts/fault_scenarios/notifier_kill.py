"""notifier-kill: three notifiers share the outbox and the first is SIGKILLed while it holds leased messages."""
from harness.cluster import wait_for_sql
from harness.load import CaptureLoad
from harness.outbox import check_every_confirmation_arrived, message_ids_in
from harness.processes import wait_until

NOTIFIER_LEASE_SECONDS = 25  # the least the service allows with SMTP_TIMEOUT_SECONDS=10 (a webhook's 15 s + 10)

LEASES = """
    SELECT lease_owner::text AS owner, count(*) AS held FROM outbox
    WHERE state = 'queued' AND lease_owner IS NOT NULL AND lease_until > now() GROUP BY lease_owner
"""


def notifier_kill(scenario, sizes):
    report, sql = scenario.report, scenario.sql
    maildir = scenario.folder / "maildir"
    # Slow replies make a batch take seconds, so that a worker is surely in the middle of one when killed.
    _, smtp_port = scenario.smtp_server("smtp", maildir, data_delay=0.25)
    apis = [scenario.serve("api-%d" % n, without_notifier=True) for n in (1, 2)]
    ports = [api.port for api in apis]
    early = CaptureLoad(ports, scenario.checkout_key, workers=16, prefix="early", total=sizes.notifier_messages,
                        all_active=True)
    early.start().join(300)
    report.say("queued %d confirmations through two API instances" % count_confirmations(sql))

    settings = dict(SMTP_URL="smtp://127.0.0.1:%d" % smtp_port, SMTP_SECURITY="plaintext-loopback",
                    SMTP_CONNECTIONS=4, SMTP_TIMEOUT_SECONDS=10, NOTIFIER_LEASE_SECONDS=NOTIFIER_LEASE_SECONDS,
                    NOTIFIER_BATCH_SIZE=32, NOTIFIER_POLL_SECONDS=1)
    survivors, held = kill_a_notifier_mid_batch(scenario, settings, maildir)
    late = CaptureLoad(ports, scenario.checkout_key, workers=8, prefix="late", total=sizes.notifier_late_messages,
                       all_active=True)
    late.start().join(300)
    expected = len(early.captured()) + len(late.captured())
    report.check(expected == sizes.notifier_messages + sizes.notifier_late_messages,
                 "both API instances captured every consent (%d answered 201)" % expected)
    wait_for_sql(sql, "SELECT count(*) = 0 FROM outbox WHERE kind = 'confirmation' AND state = 'queued'",
                 NOTIFIER_LEASE_SECONDS + 120, "every confirmation to be sent or failed")
    duplicates = check_every_confirmation_arrived(report, sql, maildir, expected_active=expected)
    check_taken_over(report, sql, held)
    report.check(all(child.alive() for child in survivors + [api.child for api in apis]),
                 "the other two notifiers and both API instances are still running")
    report.count(confirmations=expected, held_by_killed=len(held), duplicates=duplicates)


def kill_a_notifier_mid_batch(scenario, settings, maildir):
    """Starts three notifiers and SIGKILLs the first while it holds leased messages. Returns the other two and
    the ids of the messages the dead one held."""
    report, sql = scenario.report, scenario.sql
    # The first notifier runs alone until it holds a lease, which tells its worker id apart from the others'.
    victim = scenario.notifier("notifier-1", **settings)
    victim_owner = wait_until(lambda: sole_lease_owner(sql), 60, "the first notifier to claim a batch")
    wait_until(lambda: sum(message_ids_in(maildir).values()) >= 8, 30, "the first notifier to send")
    survivors = [scenario.notifier("notifier-%d" % n, **settings) for n in (2, 3)]
    owners_seen = set()

    def all_three_have_claimed():
        owners_seen.update(row["owner"] for row in sql.rows(LEASES))
        return len(owners_seen) >= 3

    wait_until(all_three_have_claimed, 60, "all three notifiers to hold leases", interval=0.1)
    wait_until(lambda: any(row["owner"] == victim_owner for row in sql.rows(LEASES)), 30,
               "the first notifier to hold a batch again", interval=0.05)
    scenario.kill(victim)
    held = [row["id"] for row in sql.rows(
        "SELECT id::text AS id FROM outbox WHERE state = 'queued' AND lease_owner = '%s'" % victim_owner)]
    report.say("SIGKILLed notifier-1 (pid %d) with %d messages under its lease; %d already in the maildir"
               % (victim.pid, len(held), sum(message_ids_in(maildir).values())))
    report.check(len(held) > 0, "the notifier was killed mid-batch (%d messages held by its lease)" % len(held))
    return survivors, held


def check_taken_over(report, sql, held):
    taken_over = sql.value("SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts >= 2 AND id::text IN "
                           "(%s)" % ", ".join("'%s'" % message for message in held)) if held else 0
    report.check(taken_over == len(held), "every message the dead worker held was sent by another after its lease "
                                          "(%d of %d)" % (taken_over, len(held)))


def count_confirmations(sql):
    return sql.value("SELECT count(*) FROM outbox WHERE kind = 'confirmation'")


def sole_lease_owner(sql):
    rows = sql.rows(LEASES)
    return rows[0]["owner"] if len(rows) == 1 else None
