"""Makes, through the API, one consent whose history holds exactly EVENTS events (50 by default): a capture with
variable amounts, debits announced and payments recorded in turn, then a legal hold. Prints the consent's id.

  seed-eventful-consent.py BASE_URL [EVENTS]      the admin key in API_KEY
"""
import datetime
import json
import os
import sys
import urllib.error
import urllib.request


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + os.environ["API_KEY"], "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path}: {error.code} {error.read().decode(errors='replace')}")


def main():
    base = sys.argv[1]
    wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    now = datetime.datetime.now(datetime.timezone.utc)
    today = now.date()
    consent = call(base, "POST", "/v1/consents", {
        "merchantReference": "bench-eventful",
        "recurrenceId": "bench-eventful-rec",
        "consumer": {"firstName": "Ona", "lastName": "Žemaitytė", "email": "ona@example.com", "language": "lt"},
        "terms": {"type": "scheduled", "amount": "25.00", "currency": "EUR", "amountType": "variable",
                  "maxAmount": "60.00", "firstDebitDate": (today + datetime.timedelta(days=20)).isoformat(),
                  "dateType": "variable", "frequency": {"interval": "monthly"},
                  "endDate": (today + datetime.timedelta(days=1400)).isoformat()},
        "communication": {"method": "email", "address": "ona@example.com"},
        "card": {"brand": "VISA", "last4": "4242", "expiryMonth": 12, "expiryYear": today.year + 5},
        "evidence": {"acceptedAt": now.isoformat().replace("+00:00", "Z"), "ipAddress": "203.0.113.7",
                     "userAgent": "Mozilla/5.0 (bench)", "disclosureText": "Monthly debits of up to 60.00 EUR.",
                     "disclosureVersion": "bench-1"},
    })
    consent_id = consent["id"]

    def events():
        return len(call(base, "GET", f"/v1/consents/{consent_id}/events"))

    month = 0
    # The last event is the legal hold.
    while events() < wanted - 1:
        month += 1
        day = today + datetime.timedelta(days=20 + 30 * month)
        call(base, "POST", f"/v1/consents/{consent_id}/debits",
             {"amount": "25.00", "currency": "EUR", "date": day.isoformat()})
        if events() < wanted - 1:
            executed = (now - datetime.timedelta(minutes=month)).isoformat().replace("+00:00", "Z")
            call(base, "POST", f"/v1/consents/{consent_id}/payments", {
                "paymentId": f"bench-pay-{month}", "amount": "25.00", "currency": "EUR", "executedAt": executed,
                "status": "approved", "final": False})
    call(base, "POST", f"/v1/consents/{consent_id}/legal-hold", {"reason": "bench"})
    found = events()
    if found != wanted:
        sys.exit(f"the consent has {found} events, not {wanted}")
    print(consent_id)


if __name__ == "__main__":
    main()
