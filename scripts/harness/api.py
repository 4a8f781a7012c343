"""The service's HTTP API as a client sees it: calls, the answers the contract allows, metrics and captures."""
import dataclasses
import datetime
import http.client
import json
import time

from harness import CheckFailed

# Longer than any answer the service should need (its pool gives up on a connection after 5 s).
CLIENT_TIMEOUT = 10.0


@dataclasses.dataclass
class Reply:
    status: int
    body: bytes
    headers: dict = dataclasses.field(default_factory=dict)

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class Api:
    """One keep-alive connection to a service instance, with an API key."""

    # The service closes a connection idle for HTTP_IDLE_TIMEOUT_SECONDS (65 s by default); one unused for longer
    # than this is replaced before it is used, as a browser or a load balancer would.
    IDLE_REUSE_SECONDS = 30.0

    def __init__(self, port, key=None, timeout=CLIENT_TIMEOUT):
        self.port = port
        self.key = key
        self.timeout = timeout
        self._connection = None
        self._last_used = 0.0

    def call(self, method, path, body=None):
        if self._connection is not None and time.monotonic() - self._last_used > self.IDLE_REUSE_SECONDS:
            self.close()
        if self._connection is None:
            self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Authorization": "Bearer " + self.key} if self.key else {}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self._connection.request(method, path, body=payload, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        self._last_used = time.monotonic()
        return Reply(response.status, data, dict(response.getheaders()))

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def call_once(port, method, path, key=None, body=None):
    api = Api(port, key)
    try:
        return api.call(method, path, body)
    finally:
        api.close()


def expect(reply, status, what):
    if reply.status != status:
        raise CheckFailed("%s answered %d, not %d: %s" % (what, reply.status, status, reply.body[:300]))
    return reply.json()


def contract_error_code(data):
    """The `code` of a body shaped as the contract's error, else None."""
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error = data["error"]
        if isinstance(error.get("code"), str) and isinstance(error.get("message"), str):
            return error["code"]
    return None


def metric(port, series):
    """The value of one series (`name` or `name{labels}`) on /metrics; 0 when it is not there yet."""
    text = call_once(port, "GET", "/metrics").body.decode()
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def instant(moment):
    """A time as the contract writes one: UTC, whole seconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def consent_body(reference, active=False, *, recurrence_id=None, accepted_days_ago=0, variable=False,
                 unscheduled=False):
    """A valid capture (the README's example, with a phone number): active at once when it carries a recurrenceId
    (the first payment already succeeded), which is `recurrence_id`, or rec-REFERENCE when only `active` is
    set; else pending. Scheduled monthly for a fixed amount unless `variable` (up to a maximum, on variable
    dates) or `unscheduled`. Dates are relative to today, so the body stays valid whenever it runs."""
    now = utc_now()
    today = now.date()
    terms = {"type": "unscheduled" if unscheduled else "scheduled", "amount": "10.23", "currency": "EUR",
             "amountType": "variable" if variable else "fixed",
             "dateType": "variable" if variable or unscheduled else "fixed"}
    if variable:
        terms["maxAmount"] = "50.00"
    if not unscheduled:
        terms.update(firstDebitDate=(today + datetime.timedelta(days=30)).isoformat(),
                     frequency={"interval": "monthly"}, endDate=(today + datetime.timedelta(days=730)).isoformat())
    accepted = now - datetime.timedelta(days=accepted_days_ago, hours=1)
    body = {
        "merchantReference": reference,
        "consumer": {"firstName": "Darrel", "lastName": "Keeling", "email": "darrel@example.com",
                     "phone": "+37066666666", "language": "en"},
        "terms": terms,
        "communication": {"method": "email", "address": "darrel@example.com"},
        "card": {"brand": "VISA", "last4": "1096", "expiryMonth": 12, "expiryYear": today.year + 3},
        "evidence": {"acceptedAt": instant(accepted), "ipAddress": "203.0.113.7", "userAgent": "Mozilla/5.0",
                     "disclosureText": "I agree to the terms of %s." % reference, "disclosureVersion": "2026-11"},
    }
    recurrence = recurrence_id or ("rec-" + reference if active else None)
    if recurrence:
        body["recurrenceId"] = recurrence
    return body


def capture(api, reference, active, accepted_days_ago=0):
    """Captures one consent and returns its id (fails unless 201)."""
    reply = api.call("POST", "/v1/consents", consent_body(reference, active, accepted_days_ago=accepted_days_ago))
    return expect(reply, 201, "capturing %s" % reference)["id"]
