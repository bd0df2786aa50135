"""Measure the busy pages on a large seeded database.

    python -m bench.run --volunteers 50000            # SQLite file under bench/results/
    BENCH_DATABASE_URL=postgresql+psycopg://... python -m bench.run --volunteers 50000

Seeds (or tops up) the bench data, then requests each page many times through the WSGI app
in-process, and prints the median and 95th percentile time and the SQL statements per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, event, select

from volunteer_hub import create_app
from volunteer_hub.auth.models import User
from volunteer_hub.bench_data import seed_bench_data
from volunteer_hub.config import DEFAULTS
from volunteer_hub.extensions import db

RESULTS = Path(__file__).parent / "results"
PAGES = [
    ("staff volunteer list, page 1", "staff", "/staff/volunteers"),
    ("staff volunteer list, page 400", "staff", "/staff/volunteers?page=400"),
    ("staff volunteer search by name", "staff", "/staff/volunteers?q=smith"),
    ("staff volunteer record", "staff", "/staff/volunteers/{volunteer_id}"),
    ("staff audit trail", "staff", "/staff/audit"),
    ("volunteer account page", "volunteer", "/account"),
    ("volunteer data export", "volunteer", "/account/export"),
    ("health check", None, "/healthz"),
]


def make_app(url: str) -> Flask:
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "ARGON2_TIME_COST": DEFAULTS["ARGON2_TIME_COST"],
        }
    )


@contextmanager
def counting_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(
    app: Flask, engine: Engine, session_id: str | None, path: str, repeat: int
) -> tuple[float, float, int]:
    """Time `path` with no app context held, so each request has its own, as in production."""
    client = app.test_client()
    if session_id is not None:
        with client.session_transaction() as session:
            session["_user_id"] = session_id
    client.get(path)  # warm caches and templates
    timings = []
    with counting_statements(engine) as statements:
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
    timings.sort()
    return (
        statistics.median(timings),
        timings[int(len(timings) * 0.95) - 1],
        len(statements) // repeat,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{RESULTS / 'bench.sqlite3'}"
    app = make_app(url)
    with app.app_context():
        upgrade()
        seed_bench_data(args.volunteers, progress=print)
        staff = db.session.scalar(select(User).where(User.email.like("staff@%")))
        volunteer = db.session.scalar(select(User).where(User.email.like("volunteer@%")))
        sessions = {"staff": staff.get_id(), "volunteer": volunteer.get_id(), None: None}
        volunteer_id = volunteer.id
        engine = db.engine
    rows = ["| page | median ms | p95 ms | SQL statements |", "| --- | ---: | ---: | ---: |"]
    for label, who, template in PAGES:
        path = template.format(volunteer_id=volunteer_id)
        median, p95, statements = measure(app, engine, sessions[who], path, args.repeat)
        rows.append(f"| {label} (`{path}`) | {median:.1f} | {p95:.1f} | {statements} |")
    print(f"\n{args.volunteers:,} volunteers on {engine.dialect.name}, {args.repeat} each:\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
