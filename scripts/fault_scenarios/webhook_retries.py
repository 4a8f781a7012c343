"""webhook-retries: one endpoint that times out, then answers 500, then 200, and one that answers 410."""
import base64
import hashlib
import hmac
import json
import time

from harness.api import Api, capture, expect, metric
from harness.cluster import wait_for_sql
from harness.outbox import wait_for_queue_to_drain

# The webhook transport's own limit on one attempt, and its first two retry delays (Notifier's RetryPolicy).
WEBHOOK_TIMEOUT = 15.0
FIRST_RETRIES = (30.0, 60.0)
JITTER = 0.2

# The latest the third attempt can come (a timed-out first attempt, then two retries late by all their jitter),
# and room for the notifier's polls.
WEBHOOK_DEADLINE = WEBHOOK_TIMEOUT + (1 + JITTER) * sum(FIRST_RETRIES) + 30


def webhook_retries(scenario, sizes):
    report, sql = scenario.report, scenario.sql
    service = scenario.serve("serve", WEBHOOK_ALLOW_PRIVATE_DESTINATIONS="true", NOTIFIER_POLL_SECONDS=1)
    admin = Api(service.port, scenario.admin_key)
    # The first answer comes after the transport's limit, so that attempt is a timeout.
    flaky_dir, gone_dir = scenario.folder / "flaky", scenario.folder / "gone"
    _, flaky_port = scenario.webhook_receiver("receiver-flaky", flaky_dir, ["200@%d" % (WEBHOOK_TIMEOUT + 5), "500"])
    _, gone_port = scenario.webhook_receiver("receiver-gone", gone_dir, ["410"])
    flaky = register_endpoint(admin, flaky_port, ["consent.activated"])
    gone = register_endpoint(admin, gone_port, ["consent.cancelled"])

    activated = capture(admin, "hooked", active=True)
    expect(admin.call("POST", "/v1/consents/%s/cancel" % activated, {"requestedBy": "merchant"}), 200, "cancelling")
    wait_for_sql(sql, "SELECT count(*) = 1 FROM outbox WHERE endpoint_id = '%s' AND state <> 'queued'" % gone["id"],
                 60, "the 410 endpoint's delivery to end")
    # A pending consent is not activated, so its cancellation is the only event and concerns only that endpoint.
    later = capture(admin, "hooked-later", active=False)
    expect(admin.call("POST", "/v1/consents/%s/cancel" % later, {"requestedBy": "merchant"}), 200, "cancelling")
    report.say("registered two endpoints, captured and cancelled consents; waiting for the retries")
    wait_for_queue_to_drain(sql, "endpoint_id = '%s'" % flaky["id"], cap=WEBHOOK_DEADLINE)
    time.sleep(3)  # room for an attempt that should not come
    check_flaky_endpoint(report, sql, service.port, admin, flaky, flaky_dir, activated)
    check_gone_endpoint(report, sql, admin, gone, gone_dir)
    admin.close()
    report.count(flaky_attempts=len(received_posts(flaky_dir)), gone_posts=len(received_posts(gone_dir)))


def register_endpoint(admin, port, events):
    url = "http://127.0.0.1:%d/hooks" % port
    return expect(admin.call("POST", "/v1/webhook-endpoints", {"url": url, "events": events}), 201,
                  "registering " + url)


def received_posts(folder):
    """What a webhook-test-receiver stored, in arrival order, with each file's arrival time."""
    return [dict(json.loads(path.read_text()), arrived=path.stat().st_mtime) for path in sorted(folder.glob("*.json"))]


def signature_valid(post, secret):
    headers = post["headers"]
    key = base64.b64decode(secret[len("whsec_"):])
    signed = ("%s.%s.%s" % (headers["webhook-id"], headers["webhook-timestamp"], post["body"])).encode()
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, headers.get("webhook-signature", ""))


def deliveries_to(sql, endpoint):
    rows = sql.rows("SELECT id::text AS id, state, attempts, server_reply AS reply FROM outbox "
                    "WHERE endpoint_id = '%s'" % endpoint["id"])
    described = "; ".join("%(state)s after %(attempts)d attempts, last reply %(reply)s" % row for row in rows)
    return rows, described or "none"


def check_flaky_endpoint(report, sql, port, admin, endpoint, folder, consent_id):
    rows, described = deliveries_to(sql, endpoint)
    report.check(len(rows) == 1 and rows[0]["state"] == "sent" and rows[0]["attempts"] == 3,
                 "deliveries to the endpoint that timed out, then answered 500: %s (expected one, sent after 3 "
                 "attempts)" % described)
    posts = received_posts(folder)
    delivery_id = rows[0]["id"] if rows else None
    same_id = all(post["headers"].get("webhook-id") == delivery_id for post in posts)
    same_body = len({post["body"] for post in posts}) == 1
    signed = all(signature_valid(post, endpoint["secret"]) for post in posts)
    body = json.loads(posts[0]["body"]) if posts else {}
    report.check(len(posts) == 3 and same_id and same_body and signed,
                 "it received 3 posts and no more, with one webhook-id (%s), one body (%s), valid signatures (%s)"
                 % (same_id, same_body, signed))
    report.check(body.get("type") == "consent.activated" and body.get("data", {}).get("consentId") == consent_id,
                 "the body is the consent.activated event of the captured consent")
    check_back_off(report, posts)
    listed = expect(admin.call("GET", "/v1/webhook-deliveries?status=sent"), 200, "listing deliveries")
    report.check([(d["id"], d["attempts"]) for d in listed["deliveries"]] == [(delivery_id, 3)],
                 "GET /v1/webhook-deliveries?status=sent lists it once, with 3 attempts")
    sent = metric(port, 'messages_sent_total{kind="webhook"}')
    retries = metric(port, 'message_retries_total{kind="webhook"}')
    report.check(sent == 1 and retries == 2, "metrics: webhook sent %d, retries %d (expected 1 and 2)"
                 % (sent, retries))


def check_back_off(report, posts):
    """Each retry came no sooner than the back-off allows (a second of slack: due times are whole seconds)."""
    gaps = [later["arrived"] - earlier["arrived"] for earlier, later in zip(posts, posts[1:])]
    earliest = [WEBHOOK_TIMEOUT + (1 - JITTER) * FIRST_RETRIES[0], (1 - JITTER) * FIRST_RETRIES[1]]
    report.check(len(gaps) == 2 and all(gap >= least - 1 for gap, least in zip(gaps, earliest)),
                 "time between attempts %s, no sooner than %s (the first includes its %.0f s timeout)"
                 % (", ".join("%.1f s" % gap for gap in gaps), ", ".join("%.0f s" % least for least in earliest),
                    WEBHOOK_TIMEOUT))


def check_gone_endpoint(report, sql, admin, endpoint, folder):
    rows, described = deliveries_to(sql, endpoint)
    report.check(len(rows) == 1 and rows[0]["state"] == "failed" and rows[0]["reply"] == "HTTP 410",
                 "deliveries to the 410 endpoint: %s (expected one, failed, and none for the later "
                 "cancellation)" % described)
    posts = received_posts(folder)
    report.check(len(posts) == 1, "it was posted to once (%d)" % len(posts))
    listed = expect(admin.call("GET", "/v1/webhook-endpoints"), 200, "listing endpoints")["endpoints"]
    states = {item["id"]: item["status"] for item in listed}
    report.check(states.get(endpoint["id"]) == "disabled" and list(states.values()).count("enabled") == 1,
                 "it is disabled and the other endpoint is not: %s" % sorted(states.values()))
