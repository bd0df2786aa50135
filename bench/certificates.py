"""Render a 500-certificate ceremony pack and 200 single certificates in one process.

    python -m bench.certificates

Goals (issue 7): the pack in under 8 seconds (under 15 ms a page); memory (the process's
resident set) grows less than 20 MB over the 200 single renders after the first ten. The
certificates are made in memory with names in Latin with accents, Greek and Cyrillic, and in
Chinese, Arabic and Devanagari where the Noto fonts are installed; nothing is fetched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

from flask_migrate import upgrade

from bench.run import RESULTS, make_app
from volunteer_hub.certificates.models import Certificate, CertificateKind
from volunteer_hub.certificates.rendering import certificate_pdf, certificates_pdf

NAMES = (
    "Zoë Ålvarez-Ødegård",
    "Siobhán Ó Briain",
    "Αλέξανδρος Παπαδόπουλος",
    "Анастасия Жукова",
    "王小明",
    "محمد عبد الله",
    "प्रिया शर्मा",
    "Tomasz Nowak",
)
PACK_GOAL_SECONDS = 8.0
PAGE_GOAL_MS = 15.0
MEMORY_GOAL_MB = 20.0


def certificates(count: int) -> list[Certificate]:
    kinds = (CertificateKind.AWARD, CertificateKind.MILESTONE, CertificateKind.TRAINING)
    return [
        Certificate(
            code=f"bench{number:017d}",
            kind=kinds[number % 3],
            recipient_name=f"{NAMES[number % len(NAMES)]} {number}",
            title="Volunteer of the Year 2026: Winner",
            detail="For years of Saturday mornings at the library's homework club.",
            issued_on=date(2026, 11, 20),
            issuer="Riverside Volunteer Hub",
        )
        for number in range(count)
    ]


def resident_mb() -> float:
    """The process's resident set size now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=int, default=500)
    parser.add_argument("--singles", type=int, default=200)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    database = RESULTS / "certificates.sqlite3"
    app = make_app(f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        certificates_pdf(certificates(2))  # fonts and templates loaded once, as in a worker
        started = time.perf_counter()
        pack = certificates_pdf(certificates(args.pack))
        pack_seconds = time.perf_counter() - started
        singles = certificates(args.singles)
        times, memory = [], []
        for certificate in singles:
            started = time.perf_counter()
            certificate_pdf(certificate)
            times.append((time.perf_counter() - started) * 1000)
            memory.append(resident_mb())
    growth = memory[-1] - memory[9]
    print(f"load average before and after: {os.getloadavg()[0]:.2f}")
    print(f"| measure | result | goal |\n| --- | ---: | ---: |")
    print(f"| pack of {args.pack} ({len(pack) / 1e6:.1f} MB) | {pack_seconds:.2f} s | < {PACK_GOAL_SECONDS} s |")
    print(f"| pack, per page | {pack_seconds / args.pack * 1000:.1f} ms | < {PAGE_GOAL_MS} ms |")
    print(f"| single certificate, median | {statistics.median(times):.1f} ms | |")
    print(f"| single certificate, 95th percentile | {sorted(times)[int(len(times) * 0.95)]:.1f} ms | |")
    print(f"| memory growth, renders 11 to {args.singles} | {growth:+.1f} MB | < {MEMORY_GOAL_MB} MB |")
    print(f"| resident set after all | {memory[-1]:.0f} MB | |")


if __name__ == "__main__":
    main()
