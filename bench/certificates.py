"""Render a 500-certificate ceremony pack and 200 single certificates in one process.

    python -m bench.certificates

Goals (issue 7): the pack in under 8 seconds (under 15 ms a page); memory (the process's
resident set) grows less than 20 MB over the 200 single renders after the first ten. The
pack is the app's own (`awards.ceremony.ceremony_pack`) for a locked cycle seeded afresh in
a SQLite file: 10 categories of 50 shortlisted nominees, locked by the awards service (which
issues the certificates). Names are in Latin with accents, Greek and Cyrillic, and in
Chinese, Arabic and Devanagari (drawn where the Noto fonts are installed); nothing is fetched.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from datetime import date, timedelta

from flask_migrate import upgrade
from pypdf import PdfReader

from bench.run import RESULTS, make_app
from volunteer_hub.auth.models import User
from volunteer_hub.auth.passwords import hash_password
from volunteer_hub.awards.ceremony import ceremony_pack
from volunteer_hub.awards.models import (
    AwardCategory,
    AwardCycle,
    Nomination,
    NominationStatus,
    Outcome,
)
from volunteer_hub.awards.services import lock_category
from volunteer_hub.certificates.models import Certificate, CertificateKind
from volunteer_hub.certificates.rendering import certificate_pdf, certificates_pdf
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db
from volunteer_hub.seed import DEMO_PASSWORD

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


def locked_cycle(nominees: int, categories: int = 10) -> AwardCycle:
    """A cycle whose categories hold `nominees` shortlisted nominations in all, each with an
    outcome, locked through the awards service (which issues their certificates)."""
    staff = User(
        name="Bench Staff",
        email="bench.staff@example.org",
        password_hash=hash_password(DEMO_PASSWORD),
    )
    now = utcnow()
    cycle = AwardCycle(
        year=2026,
        title="Riverside Volunteer Awards 2026",
        nominations_open_at=now - timedelta(days=90),
        nominations_close_at=now - timedelta(days=30),
        judging_deadline=date(2026, 11, 1),
        ceremony_at=now + timedelta(days=7),
        venue="Riverside Town Hall",
    )
    db.session.add_all([staff, cycle])
    outcomes = (Outcome.WINNER, Outcome.HIGHLY_COMMENDED, Outcome.SHORTLISTED)
    for number in range(categories):
        category = AwardCategory(cycle=cycle, name=f"Award {number + 1}", position=number)
        db.session.add(category)
        for index in range(nominees // categories):
            person = number * nominees // categories + index
            db.session.add(
                Nomination(
                    category=category,
                    status=NominationStatus.SHORTLISTED,
                    outcome=outcomes[min(index, 2)],
                    nominee_name=f"{NAMES[person % len(NAMES)]} {person}",
                    nominator_name="Pat Public",
                    nominator_email="pat@example.org",
                    statement="For years of Saturday mornings at the library's homework club.",
                )
            )
    db.session.flush()
    for category in cycle.categories:
        lock_category(category, staff)
    db.session.commit()
    return cycle


def resident_mb() -> float:
    """The process's resident set size now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=int, default=500)
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="Packs to time (the median counts).")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    database = RESULTS / "certificates.sqlite3"
    database.unlink(missing_ok=True)
    app = make_app(f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        cycle = locked_cycle(args.pack)
        # Fonts of every script and the templates are loaded once, as in a running worker.
        certificates_pdf(certificates(len(NAMES)))
        pack_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            pack = ceremony_pack(cycle)
            pack_times.append(time.perf_counter() - started)
        if len(PdfReader(io.BytesIO(pack)).pages) != args.pack:
            raise SystemExit("The pack does not hold one page per certificate.")
        pack_seconds = statistics.median(pack_times)
        singles = certificates(args.singles)
        times, memory = [], []
        for certificate in singles:
            started = time.perf_counter()
            certificate_pdf(certificate)
            times.append((time.perf_counter() - started) * 1000)
            memory.append(resident_mb())
    growth = memory[-1] - memory[9]
    runs = ", ".join(f"{seconds:.2f}" for seconds in pack_times)
    rows = [
        (f"pack of {args.pack}, median of {runs} s", f"{pack_seconds:.2f} s", PACK_GOAL_SECONDS),
        ("pack, per page", f"{pack_seconds / args.pack * 1000:.1f} ms", PAGE_GOAL_MS),
        ("single certificate, median", f"{statistics.median(times):.1f} ms", None),
        ("single, 95th percentile", f"{sorted(times)[int(len(times) * 0.95)]:.1f} ms", None),
        (f"memory growth, renders 11 to {args.singles}", f"{growth:+.1f} MB", MEMORY_GOAL_MB),
        ("resident set after all", f"{memory[-1]:.0f} MB", None),
    ]
    print(f"load average after: {os.getloadavg()[0]:.2f}; the pack's PDF: {len(pack) / 1e6:.1f} MB")
    print("| measure | result | goal |\n| --- | ---: | ---: |")
    for label, result, goal in rows:
        print(f"| {label} | {result} | {f'< {goal:g}' if goal else ''} |")


if __name__ == "__main__":
    main()
