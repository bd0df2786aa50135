"""Measure hub totals, a volunteer's dashboard and the approval of one entry on a large database.

    python -m bench.hours                                # SQLite file under bench/results/
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/vh_hours_bench \\
        python -m bench.hours

Seeds (or tops up) 50,000 bench volunteers, 10,000 roles over 2,000 organisations and
1,000,000 approved hours entries with their rollups (`flask hub bench-data`'s bulk loaders),
then times each measure many times, each run in its own app context and database session as
a request would be, and prints the median and 95th percentile and the SQL statements per run,
with the load average before and after. `--explain` prints each totals statement's plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, event, func, select, text

from bench.run import RESULTS, make_app
from volunteer_hub.auth.models import AccessLevel, User
from volunteer_hub.bench_data import BENCH_DOMAIN, seed_bench_data
from volunteer_hub.bench_hours import seed_bench_hours
from volunteer_hub.bench_roles import seed_bench_roles
from volunteer_hub.clock import add_months, local_today
from volunteer_hub.database import refresh_statistics
from volunteer_hub.extensions import db
from volunteer_hub.hours import services
from volunteer_hub.hours.models import HoursEntry
from volunteer_hub.hours.rollup import month_of
from volunteer_hub.hours.totals import totals_by, totals_by_month
from volunteer_hub.placements.models import Placement, PlacementStatus

GOALS = {"totals": 300.0, "dashboard": 50.0, "approval": 20.0}  # milliseconds
Row = tuple[str, str, float, float, float, int]


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement run meanwhile, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        statements.append((args[2], args[3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


Timing = tuple[float, float, float, int]


def summary(timings: list[float], statements: int) -> Timing:
    """Median, 95th percentile and best time, and the statements a run."""
    timings = sorted(timings)
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    return statistics.median(timings), p95, timings[0], statements


def timed(app: Flask, work: Callable[[], object], repeat: int) -> Timing:
    """Run `work` `repeat` times (after one to warm up), each in a fresh app context."""
    with app.app_context():
        work()
        engine = db.engine
    timings = []
    with recording(engine) as statements:
        for _ in range(repeat):
            with app.app_context():
                started = time.perf_counter()
                work()
                timings.append((time.perf_counter() - started) * 1000)
    return summary(timings, len(statements) // repeat)


def page_timed(app: Flask, engine: Engine, session_id: str | None, repeat: int) -> Timing:
    """GET /me/hours as the volunteer, through the WSGI app, each request in its own app
    context (as `bench.run.measure` does)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    first = client.get("/me/hours")  # warm caches and templates
    body = first.get_data(as_text=True)
    if first.status_code != 200 or "<svg" not in body or "milestone" not in body.lower():
        raise SystemExit(f"/me/hours answered {first.status_code} without its chart or milestones")
    timings = []
    with recording(engine) as statements:
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get("/me/hours")
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"/me/hours answered {response.status_code}")
    return summary(timings, len(statements) // repeat)


def seed(app: Flask, volunteers: int, hours: int) -> None:
    with app.app_context():
        upgrade()
        seed_bench_data(volunteers, progress=print)
        seed_bench_roles(2000, 10000, progress=print)
        seed_bench_hours(hours, progress=print)
        refresh_statistics(db.session)


def totals_measures() -> list[tuple[str, Callable[[], object]]]:
    def last_year() -> dict[str, Any]:
        today = local_today()
        return {"start": add_months(month_of(today), -11), "end": today}

    return [
        ("hub totals by category, all time", lambda: totals_by("category")),
        ("hub totals by category, last 12 months", lambda: totals_by("category", **last_year())),
        ("hub totals by month, all time", lambda: totals_by_month()),
        ("hub totals by month, last 12 months", lambda: totals_by_month(**last_year())),
    ]


def heaviest_volunteer(app: Flask) -> tuple[int, int]:
    """The bench volunteer with the most entries, and how many."""
    with app.app_context():
        row = db.session.execute(
            select(HoursEntry.volunteer_id, func.count())
            .group_by(HoursEntry.volunteer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        return int(row[0]), int(row[1])


def pending_entries(app: Flask, count: int) -> tuple[list[int], int]:
    """`count` fresh entries, each logged by a different bench volunteer on their placement
    (through the services), waiting to be verified; and the approving staff member's id."""
    with app.app_context():
        today = local_today()
        placements = db.session.scalars(
            select(Placement)
            .join(User, User.id == Placement.volunteer_id)
            .where(
                User.email.like(f"%@{BENCH_DOMAIN}"),
                Placement.status == PlacementStatus.ACTIVE,
                Placement.id % 97 == 0,
            )
            .order_by(Placement.id)
            .limit(count)
        ).all()
        entries = [
            services.log_hours(p, today - timedelta(days=1), 8, "Bench", p.volunteer, today)  # type: ignore[arg-type]
            for p in placements
        ]
        staff = db.session.scalar(select(User.id).where(User.access_level == AccessLevel.STAFF))
        db.session.commit()
        return [entry.id for entry in entries], int(staff or 0)


def approval(app: Flask, entry_ids: list[int], staff_id: int) -> Timing:
    """Approve each entry in its own app context and transaction, commit included."""
    with app.app_context():
        engine = db.engine
    timings = []
    with recording(engine) as statements:
        for entry_id in entry_ids:
            with app.app_context():
                started = time.perf_counter()
                entry = db.session.get(HoursEntry, entry_id)
                actor = db.session.get(User, staff_id)
                assert entry is not None and actor is not None  # noqa: S101
                services.decide(entry, "approve", actor)
                db.session.commit()
                timings.append((time.perf_counter() - started) * 1000)
    return summary(timings, len(statements) // len(entry_ids))


def print_plan(heading: str, statement: str, parameters: Any) -> None:
    """Print a statement and its plan (PostgreSQL: run, with buffers), in an app context."""
    postgresql = db.engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgresql else "EXPLAIN QUERY PLAN "
    print(f"\n-- {heading}\n{statement}\n")
    cursor = db.session.connection().exec_driver_sql(prefix + statement, parameters)
    for row in cursor:
        print("  " + " | ".join(str(value) for value in row))


def explain(app: Flask) -> None:
    """Print the plan of every totals statement."""
    with app.app_context():
        for label, work in totals_measures():
            with recording(db.engine) as statements:
                work()
            for statement, parameters in statements:
                print_plan(label, statement, parameters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=50000)
    parser.add_argument("--hours", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print the totals' plans")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{RESULTS / 'hours.sqlite3'}"
    app = make_app(url)
    seed(app, args.volunteers, args.hours)
    load_before = load_average()
    rows: list[Row] = []
    for label, work in totals_measures():
        rows.append((label, "totals", *timed(app, work, args.repeat)))
    volunteer_id, entries = heaviest_volunteer(app)
    with app.app_context():
        engine = db.engine
        user = db.session.get(User, volunteer_id)
        session_id = user.get_id() if user else None
    page = f"dashboard: GET /me/hours ({entries:,} entries)"
    rows.append((page, "dashboard", *page_timed(app, engine, session_id, args.repeat)))
    entry_ids, staff_id = pending_entries(app, args.repeat)
    decided = approval(app, entry_ids, staff_id)
    rows.append(("approve one entry (rollups, milestones, commit)", "approval", *decided))
    report(app, args, rows, (load_before, load_average()))
    if args.explain:
        explain(app)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (Linux), to read the times against."""
    try:
        with open("/proc/loadavg") as file:
            return " ".join(file.read().split()[:3])
    except OSError:
        return "unknown"


def report(app: Flask, args: argparse.Namespace, rows: list[Row], load: tuple[str, str]) -> None:
    with app.app_context():
        name = db.engine.dialect.name
        version = db.session.scalar(
            text("SELECT sqlite_version()" if name == "sqlite" else "SHOW server_version")
        )
    print(f"\n{args.hours:,} hours entries over {args.volunteers:,} volunteers on {name} {version}")
    print(f"{args.repeat} runs each; load average {load[0]} before, {load[1]} after\n")
    print("| measure | median ms | p95 ms | best ms | SQL statements | goal |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, kind, median, p95, best, statements in rows:
        goal = GOALS[kind]
        verdict = "met" if median < goal else "MISSED"
        print(
            f"| {label} | {median:.1f} | {p95:.1f} | {best:.1f} | {statements} "
            f"| < {goal:.0f} ms: {verdict} |"
        )


if __name__ == "__main__":
    main()
