"""Writes N active consents of one merchant as CSV for COPY, fast enough for millions.

  generate-consents.py MERCHANT COUNT [FIRST]   consents FIRST .. FIRST+COUNT-1 (FIRST is 1 by default), so that
                                               several processes can write one table's parts at once

Each id is the UUID spelled by md5('bench-' || n), so other tools (pgbench) can name the n-th consent without a
list. The columns are those of bench/generate-consents.columns. The consumer's personal data is sealed as the
service seals it (README, "Personal data at rest"): AES-256-GCM under the first key of PERSONAL_DATA_KEYS, bound
to the merchant and consent, in layout 1. Each confirmation is due two days after today and not yet sent, as for
consents just captured: a notifier started on them has nothing overdue to flag before it sends.
"""
import base64
import datetime
import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def layout(*fields):
    out = bytearray(b"\x01")
    for field in fields:
        if field is None:
            out += struct.pack(">I", 0xFFFFFFFF)
        else:
            data = field.encode()
            out += struct.pack(">I", len(data)) + data
    return bytes(out)


def main():
    merchant, count = sys.argv[1], int(sys.argv[2])
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    key_id, key = os.environ["PERSONAL_DATA_KEYS"].split(",")[0].split(":", 1)
    aead = AESGCM(base64.b64decode(key))
    out = sys.stdout
    zeros = "0" * 64
    due = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    for n in range(first, first + count):
        digest = hashlib.md5(f"bench-{n}".encode()).hexdigest()
        uid = f"{digest[0:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        email = f"ona{n}@example.com"
        nonce = os.urandom(12)
        associated = f"consent-service/v1/consent/{merchant}/{uid}".encode()
        sealed = nonce + aead.encrypt(
            nonce, layout("Ona", "Seeded", email, "+37060000000", email, "203.0.113.7", "bench"), associated)
        out.write(
            f"{merchant},{uid},seed-{n},active,{zeros},\\x{sealed.hex()},{key_id},lt,scheduled,1023,"
            f"EUR,fixed,2026-12-15,fixed,monthly,2028-12-15,email,VISA,{n % 10000:04d},12,2030,"
            f"2026-11-01T10:00:00Z,I agree to monthly debits.,2026-11,{zeros},seed-rec-{n},"
            f"2026-11-01T10:05:00Z,2026-11-02T10:00:00Z,1,{due},0,{zeros},2026-11-01T10:00:00Z,"
            f"2026-11-01T10:05:00Z\n")


if __name__ == "__main__":
    main()
