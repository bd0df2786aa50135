"""Bench hours: approved entries in bulk over the bench volunteers, on placements on the bench
roles, with their rollups and milestones, for `bench/hours.py`.

A few volunteers log a lot and most a little (the heaviest about 900 entries, the lightest
about 12, over three years). The entries carry no history rows: the totals, the dashboard and
a decision never read an entry's history. PostgreSQL loads them with COPY, SQLite with
executemany, in batches with a commit each.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Table, insert, select

from .auth.models import AccessLevel, User
from .bench_data import BENCH_DOMAIN, bench_rows
from .clock import local_today
from .database import utcnow
from .extensions import db
from .hours.models import HoursEntry, HoursStatus
from .hours.rollup import rebuild_rollups
from .placements.models import Placement, PlacementEvent, PlacementStatus
from .reports.models import ValueRate
from .roles.models import Role

BATCH = 50_000
DAYS = 3 * 365  # the entries fall in the last three years
SESSIONS = (4, 6, 8, 8, 10, 12, 12, 16, 20, 24, 28, 32)  # quarter-hours
SKEW = 0.4  # the volunteer of rank r logs in proportion to 1 / (r + 1) ** SKEW
ENTRY_COLUMNS = (
    "volunteer_id",
    "placement_id",
    "role_id",
    "worked_on",
    "quarters",
    "note",
    "status",
    "message",
    "logged_by_id",
    "verified_by_id",
    "verified_at",
    "created_at",
    "updated_at",
)

Say = Callable[[str], None]


def seed_bench_hours(entries: int, progress: Say | None = None) -> int:
    """Top the bench volunteers' approved hours entries up to `entries`; returns how many were
    added. Needs the bench volunteers and roles (nothing is added without them)."""
    say = progress or (lambda message: None)
    volunteers = db.session.scalars(
        select(User.id).where(User.email.like(f"%@{BENCH_DOMAIN}")).order_by(User.id)
    ).all()
    roles = db.session.scalars(
        select(Role.id).where(Role.slug.like("bench-%")).order_by(Role.id)
    ).all()
    staff = db.session.scalar(
        select(User.id).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
    )
    have = bench_rows(HoursEntry, HoursEntry.volunteer_id)
    if not volunteers or not roles or staff is None or have >= entries:
        return 0
    placements = _placements(volunteers, roles, staff)
    db.session.commit()
    rng = random.Random(have)  # noqa: S311 - bench data, not secrets
    weights = list(accumulate(1 / (rank + 1) ** SKEW for rank in range(len(volunteers))))
    days = _days(local_today())
    for first in range(have, entries, BATCH):
        chosen = rng.choices(volunteers, cum_weights=weights, k=min(BATCH, entries - first))
        rows = [_entry(volunteer, placements[volunteer], days, staff, rng) for volunteer in chosen]
        load_rows(HoursEntry.__table__, ENTRY_COLUMNS, rows)  # type: ignore[arg-type]
        db.session.commit()
        say(f"Bench hours: {first + len(rows):,} of {entries:,} entries")
    say("Bench hours: rollups and milestones, from the approved entries")
    milestones = rebuild_rollups()
    db.session.commit()
    say(f"Bench hours: {milestones:,} milestones recorded")
    return entries - have


def bench_rates(today: date) -> list[tuple[date, int, str]]:
    """Two hourly values (from, pence, source): one in force before the hours begin, and a
    rise on the tenth of September of the last whole financial year (April to March), so a
    report of that year, or of any year around it, values two slices of September apart."""
    last_year = today.year - (1 if today.month >= 4 else 2)  # its April
    return [
        (date(last_year - 3, 4, 1), 1375, "Bench: median hourly pay (ONS ASHE), earlier"),
        (date(last_year, 9, 10), 1490, "Bench: median hourly pay (ONS ASHE), later"),
    ]


def seed_bench_rates(today: date) -> int:
    """Add the bench hourly values that are missing; returns how many were added."""
    have = set(db.session.scalars(select(ValueRate.valid_from)))
    now = utcnow()
    added = [
        ValueRate(
            valid_from=valid_from,
            pence_per_hour=pence,
            source=source,
            created_at=now,
            updated_at=now,
        )
        for valid_from, pence, source in bench_rates(today)
        if valid_from not in have
    ]
    db.session.add_all(added)
    db.session.commit()
    return len(added)


def _placements(
    volunteers: Sequence[int], roles: Sequence[int], staff: int
) -> dict[int, list[tuple[int, int]]]:
    """Each bench volunteer's (placement, role) pairs: two active placements each, approved
    three and a half years ago, added where missing. Active placements that began with an
    application (`bench_applications`) are not the hours' own: hours are not logged on them."""
    applied = select(PlacementEvent.id).where(
        PlacementEvent.placement_id == Placement.id,
        PlacementEvent.status == PlacementStatus.APPLIED,
    )
    found: dict[int, list[tuple[int, int]]] = {}
    for volunteer, placement, role in db.session.execute(
        select(Placement.volunteer_id, Placement.id, Placement.role_id)
        .join(User, User.id == Placement.volunteer_id)
        .where(
            User.email.like(f"%@{BENCH_DOMAIN}"),
            Placement.status == PlacementStatus.ACTIVE,
            ~applied.exists(),
        )
        .order_by(Placement.id)
    ):
        if volunteer is not None:
            found.setdefault(volunteer, []).append((placement, role))
    missing = [(rank, v) for rank, v in enumerate(volunteers) if v not in found]
    approved_at = utcnow() - timedelta(days=DAYS + 180)
    for start in range(0, len(missing), BATCH // 2):
        pairs = [
            (volunteer, roles[(rank + offset) % len(roles)])
            for rank, volunteer in missing[start : start + BATCH // 2]
            for offset in (0, len(roles) // 2 + 1)
        ]
        ids = _insert_placements(pairs, approved_at, staff)
        for placement, (volunteer, role) in zip(ids, pairs, strict=True):
            found.setdefault(volunteer, []).append((placement, role))
    return found


def _insert_placements(
    pairs: list[tuple[int, int]], approved_at: datetime, staff: int
) -> Sequence[int]:
    started_at = approved_at + timedelta(days=7)
    ids = db.session.scalars(
        insert(Placement).returning(Placement.id, sort_by_parameter_order=True),
        [
            {
                "volunteer_id": volunteer,
                "role_id": role,
                "headcount": 1,
                "note": "",
                "status": PlacementStatus.ACTIVE,
                "status_changed_at": started_at,
                "decided_at": approved_at,
                "created_at": approved_at - timedelta(days=5),
                "updated_at": started_at,
            }
            for volunteer, role in pairs
        ],
    ).all()
    db.session.execute(
        insert(PlacementEvent),
        [
            {
                "placement_id": placement,
                "status": status,
                "previous": previous,
                "actor_id": staff,
                "reason": "",
                "message": "",
                "created_at": at,
            }
            for placement in ids
            for status, previous, at in (
                (PlacementStatus.APPROVED, PlacementStatus.APPLIED, approved_at),
                (PlacementStatus.ACTIVE, PlacementStatus.APPROVED, started_at),
            )
        ],
    )
    return ids


def _days(today: date) -> list[tuple[date, datetime, datetime]]:
    """Each day hours fall on, with when they were logged (that evening) and approved (two
    days later, at noon)."""
    days = []
    for back in range(3, DAYS + 3):
        day = today - timedelta(days=back)
        logged_at = datetime.combine(day, time(18), UTC)
        days.append((day, logged_at, logged_at + timedelta(days=1, hours=18)))
    return days


def _entry(
    volunteer: int,
    placements: list[tuple[int, int]],
    days: list[tuple[date, datetime, datetime]],
    staff: int,
    rng: random.Random,
) -> tuple[Any, ...]:
    placement, role = rng.choice(placements)
    day, logged_at, approved_at = rng.choice(days)
    quarters = rng.choice(SESSIONS)
    return (
        volunteer,
        placement,
        role,
        day,
        quarters,
        "",
        HoursStatus.APPROVED.value,
        "",
        volunteer,
        staff,
        approved_at,
        logged_at,
        approved_at,
    )


def load_rows(table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` (tuples in the order of `columns`): COPY on PostgreSQL, executemany on
    SQLite, in the session's transaction."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        driver: Any = connection.connection.dbapi_connection
        names = ", ".join(columns)
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
