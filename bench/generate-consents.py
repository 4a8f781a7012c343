"""Writes N active consents of one merchant as CSV for COPY, fast enough for millions.

Each id is the UUID spelled by md5('bench-' || n), so other tools (pgbench) can name the n-th consent without a
list. The columns are those of bench/generate-consents.columns.
"""
import hashlib
import sys


def main():
    merchant, count = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    zeros = "0" * 64
    for n in range(1, count + 1):
        digest = hashlib.md5(f"bench-{n}".encode()).hexdigest()
        uid = f"{digest[0:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        out.write(
            f"{merchant},{uid},seed-{n},active,{zeros},Ona,Seeded,ona{n}@example.com,lt,scheduled,1023,"
            f"EUR,fixed,2026-12-15,fixed,monthly,2028-12-15,email,ona{n}@example.com,VISA,{n % 10000:04d},12,2030,"
            f"2026-11-01T10:00:00Z,203.0.113.7,I agree to monthly debits.,2026-11,{zeros},seed-rec-{n},"
            f"2026-11-01T10:05:00Z,2026-11-02T10:00:00Z,1,2026-11-04,0,{zeros},2026-11-01T10:00:00Z,"
            f"2026-11-01T10:05:00Z\n")


if __name__ == "__main__":
    main()
