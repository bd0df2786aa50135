"""Measure the impact report for a whole year on a large database: page, PDF, CSV, and an
organisation's own report.

    python -m bench.reports                              # SQLite file under bench/results/
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/vh_reports_bench \\
        python -m bench.reports

Seeds (or tops up) the bench data with `flask hub bench-data`'s bulk loaders (50,000
volunteers, 10,000 roles over 2,000 organisations, 1,000,000 approved hours entries, 300,000
placements with their timelines, 300,000 training records, two hourly values with a rise
inside the last financial year; on PostgreSQL then a VACUUM), then requests each report many
times in-process through the WSGI app as a signed-in staff member, each request with its own
app context and database session (as `bench.run.measure` does), and prints the median and
95th percentile, the SQL statements per request and their time, with the load average before
and after. `--explain` times each statement of the page and prints the plans of the slowest.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, event, func, select, text

from bench.hours import load_average, print_plan, summary
from bench.run import RESULTS, make_app
from volunteer_hub.auth.models import AccessLevel, User
from volunteer_hub.bench_applications import seed_bench_applications
from volunteer_hub.bench_data import seed_bench_data
from volunteer_hub.bench_hours import seed_bench_hours, seed_bench_rates
from volunteer_hub.bench_roles import seed_bench_roles
from volunteer_hub.bench_training import seed_bench_training
from volunteer_hub.clock import add_months, local_today
from volunteer_hub.database import refresh_statistics
from volunteer_hub.extensions import db
from volunteer_hub.hours.models import RoleMonthHours
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.pdf import font_configuration
from volunteer_hub.reference.models import Category
from volunteer_hub.reports.forms import financial_year_start
from volunteer_hub.roles.models import Role

GOALS = {"page": 500.0, "pdf": 3000.0}  # milliseconds, on the median (the CSV has none)


@dataclass(frozen=True)
class Measure:
    label: str
    kind: str  # page, pdf or csv: the goal, and what the answer must look like
    path: str
    repeat: int


@dataclass(frozen=True)
class Years:
    financial: tuple[date, date]  # the last whole financial year
    mid_month: tuple[date, date]  # a year from the 15th: part-months at both ends


def years(today: date) -> Years:
    start = add_months(financial_year_start(today), -12)
    middle = date(start.year, 6, 15)
    return Years(
        (start, add_months(start, 12) - timedelta(days=1)),
        (middle, add_months(middle, 12) - timedelta(days=1)),
    )


def query(period: tuple[date, date], **more: Any) -> str:
    return urlencode({"from": period[0].isoformat(), "to": period[1].isoformat(), **more})


def seed(app: Flask, args: argparse.Namespace) -> None:
    with app.app_context():
        upgrade()
        seed_bench_data(args.volunteers, progress=print)
        seed_bench_roles(2000, 10000, progress=print)
        seed_bench_hours(args.hours, progress=print)
        seed_bench_applications(args.applications, progress=print)
        seed_bench_training(args.training, progress=print)
        seed_bench_rates(local_today())
        refresh_statistics(db.session)
        if db.engine.dialect.name == "postgresql":
            vacuum(db.engine)


def vacuum(engine: Engine) -> None:
    """VACUUM on PostgreSQL, as autovacuum does on a live server (it is off on the bench
    machine's): until a bulk-loaded table is vacuumed, no index-only scan can skip its rows
    (the report's page took 2.3 s before, 1.8 s after)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM"))


def busiest_organisation(period: tuple[date, date]) -> str:
    """The bench organisation whose roles have the most verified hours in the period."""
    start, end = period
    slug = db.session.scalar(
        select(Organisation.slug)
        .join(Role, Role.organisation_id == Organisation.id)
        .join(RoleMonthHours, RoleMonthHours.role_id == Role.id)
        .where(RoleMonthHours.month.between(start, end), Organisation.slug.like("bench-%"))
        .group_by(Organisation.slug)
        .order_by(func.sum(RoleMonthHours.quarters).desc())
        .limit(1)
    )
    return str(slug)


def busiest_category(period: tuple[date, date]) -> int:
    """The kind of volunteering with the most verified hours in the period: the filter that
    keeps the most rows, so the slowest of the filtered reports."""
    start, end = period
    return int(
        db.session.scalar(
            select(Category.id)
            .join(Role, Role.category_id == Category.id)
            .join(RoleMonthHours, RoleMonthHours.role_id == Role.id)
            .where(RoleMonthHours.month.between(start, end))
            .group_by(Category.id)
            .order_by(func.sum(RoleMonthHours.quarters).desc())
            .limit(1)
        )
        or 0
    )


def measures(args: argparse.Namespace, year: Years, category: int, slug: str) -> list[Measure]:
    fy, mid = year.financial, year.mid_month
    many, few = args.repeat, args.pdf_repeat
    fy_words = f"{fy[0]:%-d %b %Y} to {fy[1]:%-d %b %Y}"
    mid_words = f"{mid[0]:%-d %b %Y} to {mid[1]:%-d %b %Y}"
    return [
        Measure(f"page, financial year ({fy_words})", "page", f"/staff/reports?{query(fy)}", many),
        Measure(
            f"page, mid-month year ({mid_words})", "page", f"/staff/reports?{query(mid)}", many
        ),
        Measure(
            "page, financial year, one kind of volunteering (the busiest)",
            "page",
            f"/staff/reports?{query(fy, category=category)}",
            many,
        ),
        Measure(
            "organisation's report, financial year (the busiest organisation)",
            "page",
            f"/org/{slug}/reports?{query(fy)}",
            many,
        ),
        Measure(
            "CSV hours by organisation, financial year",
            "csv",
            f"/staff/reports/hours-by-organisation.csv?{query(fy)}",
            many,
        ),
        Measure("PDF, financial year", "pdf", f"/staff/reports/report.pdf?{query(fy)}", few),
        Measure("PDF, mid-month year", "pdf", f"/staff/reports/report.pdf?{query(mid)}", few),
    ]


@contextmanager
def timing_statements(engine: Engine) -> Iterator[list[tuple[str, Any, float]]]:
    """Every statement run meanwhile, with its parameters and its time in ms in the driver's
    `execute`: the whole statement on PostgreSQL (psycopg fetches every row then), but on
    SQLite only up to the first row (the rest is worked out as the rows are fetched)."""
    statements: list[tuple[str, Any, float]] = []
    started: list[float] = []

    def before(*args: Any) -> None:
        started.append(time.perf_counter())

    def after(*args: Any) -> None:
        statements.append((args[2], args[3], (time.perf_counter() - started.pop()) * 1000))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def check(measure: Measure, status: int, body: bytes) -> None:
    looks_right = {
        "page": b"<svg" in body and b"Verified hours" in body,
        "pdf": body.startswith(b"%PDF"),
        "csv": body.startswith("\ufeffOrganisation,".encode()),
    }[measure.kind]
    if status != 200 or not looks_right:
        raise SystemExit(f"{measure.path} answered {status} without what it should show")


def timed(app: Flask, engine: Engine, session_id: str, measure: Measure) -> tuple[Any, ...]:
    """Request `measure.path` (after one to warm up) with no app context held, so each
    request has its own, as in production."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    first = client.get(measure.path)
    check(measure, first.status_code, first.get_data())
    timings = []
    with timing_statements(engine) as statements:
        for _ in range(measure.repeat):
            started = time.perf_counter()
            response = client.get(measure.path)
            timings.append((time.perf_counter() - started) * 1000)
            check(measure, response.status_code, response.get_data())
    sql = sum(spent for _, _, spent in statements) / measure.repeat
    return (*summary(timings, len(statements) // measure.repeat), sql)


def explain(app: Flask, engine: Engine, session_id: str, path: str, slowest: int) -> None:
    """Time each statement of one request for `path`, then print the plans of the slowest
    (PostgreSQL: run, with buffers)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    client.get(path)
    with timing_statements(engine) as statements:
        client.get(path)
    print(f"\n## Statements of {path}\n")
    for number, (statement, _, spent) in enumerate(statements, 1):
        print(f"{number:>3}. {spent:8.1f} ms  {' '.join(statement.split())[:110]}")
    ranked = sorted(statements, key=lambda item: item[2], reverse=True)[:slowest]
    with app.app_context():
        for statement, parameters, spent in ranked:
            print_plan(f"{spent:.1f} ms, {parameters}", statement, parameters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=50000)
    parser.add_argument("--hours", type=int, default=1_000_000)
    parser.add_argument("--applications", type=int, default=300_000)
    parser.add_argument("--training", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests of each page and CSV")
    parser.add_argument("--pdf-repeat", type=int, default=7, help="requests of each PDF")
    parser.add_argument("--only", help="measure only the reports whose label has this text")
    parser.add_argument("--explain", action="store_true", help="print the page's SQL plans")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{RESULTS / 'reports.sqlite3'}"
    app = make_app(url)
    seed(app, args)
    with app.app_context():
        engine = db.engine
        staff = db.session.scalar(
            select(User).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
        )
        assert staff is not None  # noqa: S101 - the demo's staff member
        session_id = staff.get_id()
        year = years(local_today())
        chosen = measures(
            args, year, busiest_category(year.financial), busiest_organisation(year.financial)
        )
    chosen = [m for m in chosen if not args.only or args.only in m.label]
    load_before = load_average()
    rows = [(m, timed(app, engine, session_id, m)) for m in chosen]
    report(engine, args, rows, (load_before, load_average()))
    if args.explain:
        explain(app, engine, session_id, chosen[0].path, slowest=6)
    # The process crashed on exit (segmentation fault) after rendering with the shared font
    # configuration unless the configuration was let go first (bench/README.md).
    font_configuration.cache_clear()


def report(
    engine: Engine,
    args: argparse.Namespace,
    rows: list[tuple[Measure, tuple[Any, ...]]],
    load: tuple[str, str],
) -> None:
    with engine.connect() as connection:
        name = engine.dialect.name
        version = connection.scalar(
            text("SELECT sqlite_version()" if name == "sqlite" else "SHOW server_version")
        )
    print(
        f"\n{args.hours:,} hours entries, {args.applications:,} placements and "
        f"{args.training:,} training records over {args.volunteers:,} volunteers "
        f"on {name} {version}"
    )
    print(f"load average {load[0]} before, {load[1]} after\n")
    print("| request | runs | median ms | p95 ms | best ms | SQL statements | SQL ms | goal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for measure, (median, p95, best, statements, sql) in rows:
        goal = GOALS.get(measure.kind)
        verdict = "" if goal is None else f"< {goal:.0f} ms: {'met' if median < goal else 'MISSED'}"
        print(
            f"| {measure.label} | {measure.repeat} | {median:.0f} | {p95:.0f} | {best:.0f} "
            f"| {statements} | {sql:.0f} | {verdict} |"
        )


if __name__ == "__main__":
    main()
