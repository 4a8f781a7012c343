"""The outbox's messages: waiting for its queue to empty, and checking that every confirmation reached the
maildir of scripts/smtp-test-server and its consent's history once."""
import email.parser
import time
from collections import Counter
from pathlib import Path

from harness import CheckFailed


def message_ids_in(maildir):
    """How many times each Message-ID (without its angle brackets) arrived in a smtp-test-server maildir."""
    parser = email.parser.BytesHeaderParser()
    counts = Counter()
    for path in Path(maildir).glob("*.eml"):
        with open(path, "rb") as file:
            counts[str(parser.parse(file).get("Message-ID", "")).strip().strip("<>")] += 1
    return counts


def wait_for_queue_to_drain(sql, where, cap=300):
    """Waits until no message matching `where` is queued. Retries follow the service's back-off, so the limit is
    the latest scheduled attempt (read from the queue each time) plus a margin, never beyond `cap` seconds."""
    started = time.monotonic()
    while True:
        state = sql.rows("SELECT count(*) AS queued, extract(epoch FROM max(due_at) - now()) AS next_in FROM outbox "
                         "WHERE state = 'queued' AND " + where)[0]
        if state["queued"] == 0:
            return
        waited = time.monotonic() - started
        if waited > cap or (state["next_in"] is not None and waited > 30 and state["next_in"] < -30):
            raise CheckFailed("%d messages still queued after %.0f s (the latest was due %.0f s ago)"
                              % (state["queued"], waited, -(state["next_in"] or 0)))
        time.sleep(1)


def check_every_confirmation_arrived(report, sql, maildir, expected_active):
    """Every confirmation is sent, in the maildir under its Message-ID, and on its consent's history once.
    Returns how many copies arrived beyond the first (allowed: delivery is at least once, with one Message-ID)."""
    rows = sql.rows("SELECT state, message_id FROM outbox WHERE kind = 'confirmation'")
    unsent = Counter(row["state"] for row in rows if row["state"] != "sent")
    report.check(len(rows) == expected_active and not unsent,
                 "all %d confirmations are sent (%s not)" % (len(rows), dict(unsent) or "none"))
    arrived = message_ids_in(maildir)
    recorded = {row["message_id"] for row in rows if row["message_id"]}
    lost = recorded - set(arrived)
    strangers = set(arrived) - recorded
    duplicates = sum(count - 1 for count in arrived.values())
    report.check(not lost and not strangers, "every sent confirmation's Message-ID is in the maildir "
                                             "(%d arrived, %d lost, %d unknown)" % (len(arrived), len(lost),
                                                                                   len(strangers)))
    report.say("duplicates by Message-ID: %d (%d messages arrived more than once)"
               % (duplicates, sum(1 for count in arrived.values() if count > 1)))
    check_confirmed_once(report, sql, expected_active)
    return duplicates


def check_confirmed_once(report, sql, expected_active):
    """However often a confirmation went out, its consent's history records it once (README, "Emails")."""
    events = sql.rows("""
        SELECT count(e.seq) AS sent_events, c.confirmation_sent_at IS NOT NULL AS marked
        FROM consents c LEFT JOIN consent_events e
          ON e.merchant_id = c.merchant_id AND e.consent_id = c.id AND e.type = 'confirmation.sent'
        WHERE c.status = 'active' GROUP BY c.merchant_id, c.id, c.confirmation_sent_at""")
    once = sum(1 for row in events if row["sent_events"] == 1 and row["marked"])
    report.check(once == len(events) == expected_active,
                 "each of %d active consents has one confirmation.sent event and confirmation.sentAt (%d do)"
                 % (len(events), once))
