"""Schemathesis hooks of scripts/fuzz (loaded through SCHEMATHESIS_HOOKS; not run on its own).

Captures. Some rules of a capture are stated in the spec's prose only: the currency is one ISO 4217 knows,
amounts are above zero with at most the currency's decimals, the card has not expired, the consent was not
accepted in the future, and several fields must agree (a scheduled consent needs a first debit date and a
frequency, a custom one its days, an unscheduled one none; a maximum needs a variable amount and is at least the
amount; the end comes after the first debit and within four years). Bodies the generator means to be valid almost
never keep all of them, so the service's answer to a valid capture (its 201 and the stored consent) would go
untested. For those cases only, this mends what breaks such a rule and gives each case a merchant reference,
recurrence id and Idempotency-Key of its own: the coverage phase sends the same ones in every case, which would
make all but the first a 409. Cases meant to be invalid are left as they were generated.

Webhook endpoints. A registered endpoint gets real deliveries, and its host is looked up in DNS at registration:
a generated URL must not make the service call, or even look up, a host on the internet. Every generated http(s)
URL is pointed at this machine instead, path and query kept: about half at scripts/fuzz's webhook receiver
(FUZZ_WEBHOOK_PORT), the rest at a port nothing listens on (FUZZ_CLOSED_PORT), so that deliveries both succeed
and fail.
"""
import copy
import datetime
import itertools
import os
import re
import urllib.parse

import schemathesis
from schemathesis import GenerationMode

_serial = itertools.count(1)
# A few real currencies with each number of decimals; anything else generated is replaced by EUR.
DECIMALS = {"EUR": 2, "USD": 2, "JPY": 0, "KWD": 3}
MAXIMUM_MINOR_UNITS = 2**63 - 1


@schemathesis.hook("map_case").apply_to(operation_id="captureConsent")
def mend_capture(context, case):
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return case
    if not isinstance(case.body, dict):
        return case
    # Copies: the generator may hand the same objects to later cases, which must not see these changes.
    case.body = body = copy.deepcopy(case.body)
    case.headers = dict(case.headers or {})
    today = datetime.date.today()
    if isinstance(body.get("terms"), dict):
        mend_terms(body["terms"], today)
    if isinstance(body.get("card"), dict):
        mend_card(body["card"], today)
    if isinstance(body.get("evidence"), dict):
        mend_acceptance(body["evidence"])
    suffix = f"-{next(_serial)}"
    fields = [(body, "merchantReference"), (body, "recurrenceId"), (case.headers, "Idempotency-Key")]
    for container, key in fields:
        value = container.get(key)
        # Appending keeps the generated value, unless it was drawn at its maximum length to test that.
        if isinstance(value, str) and len(value) + len(suffix) <= 255:
            container[key] = value + suffix
    return case


def mend_terms(terms, today):
    if terms.get("currency") not in DECIMALS:
        terms["currency"] = "EUR"
    decimals = DECIMALS[terms["currency"]]
    if minor_units(terms.get("amount"), decimals) is None:
        terms["amount"] = "1500" if decimals == 0 else "10." + "2" * decimals
    if "maxAmount" in terms and terms["maxAmount"] is not None:
        terms["amountType"] = "variable"
        maximum = minor_units(terms["maxAmount"], decimals)
        if maximum is None or maximum < minor_units(terms["amount"], decimals):
            terms["maxAmount"] = terms["amount"]
    if terms.get("type") == "scheduled":
        if not isinstance(terms.get("firstDebitDate"), str):
            terms["firstDebitDate"] = (today + datetime.timedelta(days=30)).isoformat()
        frequency = terms.get("frequency")
        if not isinstance(frequency, dict):
            terms["frequency"] = frequency = {"interval": "monthly"}
        if frequency.get("interval") == "custom" and not isinstance(frequency.get("days"), int):
            frequency["days"] = 30
    elif terms.get("type") == "unscheduled":
        terms.pop("frequency", None)
    first, end = terms.get("firstDebitDate"), terms.get("endDate")
    # Four years from today, a little early near a month's end, which only makes it safer.
    latest_end = datetime.date(today.year + 4, today.month, min(today.day, 28)).isoformat()
    if isinstance(end, str) and ((isinstance(first, str) and end <= first) or end > latest_end):
        del terms["endDate"]


def minor_units(text, decimals):
    """The amount in minor units when it is one the service takes for a currency with `decimals`, else None."""
    if not isinstance(text, str):
        return None
    match = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?", text)
    if match is None or len(match.group(2) or "") > decimals:
        return None
    units = int(match.group(1) + (match.group(2) or "").ljust(decimals, "0"))
    return units if 0 < units <= MAXIMUM_MINOR_UNITS else None


def mend_card(card, today):
    month, year = card.get("expiryMonth"), card.get("expiryYear")
    if isinstance(month, int) and isinstance(year, int) and (year, month) < (today.year, today.month):
        card["expiryYear"] = today.year + 1


def mend_acceptance(evidence):
    accepted = evidence.get("acceptedAt")
    try:
        moment = datetime.datetime.fromisoformat(accepted.upper().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        # Not a string, or a year Python cannot hold (0000): sent as generated.
        return
    if moment.tzinfo is not None and moment > datetime.datetime.now(datetime.timezone.utc):
        evidence["acceptedAt"] = "2020-01-01T00:00:00Z"


@schemathesis.hook("map_case").apply_to(operation_id="createWebhookEndpoint")
def keep_webhooks_local(context, case):
    if not isinstance(case.body, dict) or not isinstance(case.body.get("url"), str):
        return case
    try:
        parts = urllib.parse.urlsplit(case.body["url"])
    except ValueError:
        return case
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return case
    port = os.environ["FUZZ_WEBHOOK_PORT" if next(_serial) % 2 else "FUZZ_CLOSED_PORT"]
    case.body = {**case.body, "url": urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))}
    return case
