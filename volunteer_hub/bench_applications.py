"""Bench applications: placements on the bench roles made by the bench volunteers over the
last three years, each with its timeline, for `bench/reports.py` (the report's application
funnel, its wait for a decision and its placements started).

Every application starts "applied" (by the volunteer, at a time of day people apply); most
are decided a few working days later (approved, declined or put on the waiting list, by
staff, in working hours), some are withdrawn first, and the latest still wait. Approved ones
mostly start (active) and many of those have ended since; some are withdrawn before they
start; some on the waiting list are approved later or withdrawn. `decided_at` is the first
step after applying, as `placements.services` sets it, and no volunteer holds two open
placements on one role (the database refuses them).

The hours' two active placements a volunteer (`bench_hours`) count towards the total, so
`--applications` is every bench placement. They carry no application (they were approved
before the three years the hours cover), and the hours loader keeps to them. PostgreSQL loads
with COPY, SQLite with executemany, in batches with a commit each.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text

from .auth.models import AccessLevel, User
from .bench_data import BENCH_DOMAIN, bench_rows
from .bench_hours import DAYS, Say, load_rows
from .clock import hub_zone, local_date
from .database import utcnow
from .extensions import db
from .placements.models import OPEN, Placement, PlacementEvent, PlacementStatus
from .reference.settings import setting_int
from .roles.models import Role
from .workdays import add_working_days

BATCH = 50_000
S = PlacementStatus
# Working days from applying to the first decision, and how often each is seen.
WAITS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20)
WAIT_WEIGHTS = (8, 14, 16, 15, 12, 10, 6, 5, 4, 4, 3, 2, 1)
DECISIONS = (S.APPROVED, S.DECLINED, S.WAITLISTED, S.WITHDRAWN)
DECISION_WEIGHTS = (65, 15, 13, 7)
PLACEMENT_COLUMNS = (
    "id",
    "role_id",
    "volunteer_id",
    "headcount",
    "note",
    "status",
    "status_changed_at",
    "due_on",
    "decided_at",
    "waitlisted_at",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = (
    "placement_id",
    "status",
    "previous",
    "actor_id",
    "reason",
    "message",
    "created_at",
)


@dataclass(frozen=True)
class Step:
    status: PlacementStatus
    previous: PlacementStatus | None
    by_volunteer: bool
    reason: str
    at: datetime


@dataclass
class Plan:
    """What every application of a load draws on."""

    now: datetime
    rng: random.Random
    staff: int
    roles: Sequence[int]
    signed_up: list[datetime]  # the bench volunteers' sign-ups, in order
    volunteers: list[int]  # in the same order
    open_pairs: set[tuple[int, int]]  # (role, volunteer) of every open placement
    response_days: int


def seed_bench_applications(total: int, progress: Say | None = None) -> int:
    """Top the bench placements (the hours' included) up to `total` with applications made
    over the last three years; returns how many were added."""
    say = progress or (lambda message: None)
    plan = _plan()
    have = bench_rows(Placement, Placement.volunteer_id)
    if plan is None or have >= total:
        return 0
    for first in range(have, total, BATCH):
        count = min(BATCH, total - first)
        ids = _reserve_ids(count)
        placements, events = [], []
        for placement_id in ids:
            row, steps = _application(plan)
            placements.append((placement_id, *row))
            events += [_event(placement_id, step, row[1], plan.staff) for step in steps]
        load_rows(Placement.__table__, PLACEMENT_COLUMNS, placements)  # type: ignore[arg-type]
        load_rows(PlacementEvent.__table__, EVENT_COLUMNS, events)  # type: ignore[arg-type]
        db.session.commit()
        say(f"Bench applications: {first + count:,} of {total:,} placements")
    return total - have


def _plan() -> Plan | None:
    volunteers = db.session.execute(
        select(User.id, User.created_at)
        .where(User.email.like(f"%@{BENCH_DOMAIN}"))
        .order_by(User.created_at, User.id)
    ).all()
    roles = db.session.scalars(
        select(Role.id).where(Role.slug.like("bench-%")).order_by(Role.id)
    ).all()
    staff = db.session.scalar(
        select(User.id).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
    )
    if not volunteers or not roles or staff is None:
        return None
    open_pairs = {
        (role, volunteer)
        for role, volunteer in db.session.execute(
            select(Placement.role_id, Placement.volunteer_id)
            .join(User, User.id == Placement.volunteer_id)
            .where(User.email.like(f"%@{BENCH_DOMAIN}"), Placement.status.in_(OPEN))
        )
        if volunteer is not None
    }
    return Plan(
        now=utcnow(),
        rng=random.Random(len(open_pairs)),  # noqa: S311 - bench data, not secrets
        staff=staff,
        roles=roles,
        signed_up=[row.created_at for row in volunteers],
        volunteers=[row.id for row in volunteers],
        open_pairs=open_pairs,
        response_days=setting_int("application_response_days"),
    )


def _reserve_ids(count: int) -> list[int]:
    """Ids for `count` new placements, so that their events can be loaded beside them."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return list(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('placements', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": count},
            ).scalars()
        )
    first = (connection.scalar(select(func.max(Placement.id))) or 0) + 1
    return list(range(first, first + count))


def _application(plan: Plan) -> tuple[tuple[Any, ...], list[Step]]:
    """One application's placement row (without its id) and its timeline."""
    rng = plan.rng
    applied_at = plan.now - timedelta(days=rng.uniform(0.05, DAYS))
    known = bisect.bisect_right(plan.signed_up, applied_at)
    volunteer = plan.volunteers[rng.randrange(max(known, 1))]
    applied_at = min(_during(local_date(applied_at), 8, 22, rng), plan.now)
    steps = _timeline(plan, applied_at)
    role = _role(plan, volunteer, steps[-1].status in OPEN)
    if role is None:  # every role already open for this volunteer: they withdrew this one
        role = rng.choice(plan.roles)
        steps = [steps[0], Step(S.WITHDRAWN, S.APPLIED, True, "", steps[0].at)]
    last = steps[-1]
    decided_at = steps[1].at if len(steps) > 1 else None
    due_on = None
    if last.status == S.APPLIED:
        due_on = add_working_days(local_date(last.at), plan.response_days)
    return (
        role,
        volunteer,
        1,
        "",
        last.status.value,
        last.at,
        due_on,
        decided_at,
        last.at if last.status == S.WAITLISTED else None,
        steps[0].at,
        last.at,
    ), steps


def _role(plan: Plan, volunteer: int, opens: bool) -> int | None:
    """A bench role; for a placement still open, one the volunteer holds no open one on."""
    for _ in range(20):
        role = plan.rng.choice(plan.roles)
        if not opens:
            return role
        if (role, volunteer) not in plan.open_pairs:
            plan.open_pairs.add((role, volunteer))
            return role
    return None


def _during(day: date, first_hour: int, last_hour: int, rng: random.Random) -> datetime:
    """A moment (in UTC) on local `day` between the hours."""
    minute = rng.randrange((last_hour - first_hour) * 60)
    local = datetime.combine(day, time(first_hour + minute // 60, minute % 60), hub_zone())
    return local.astimezone(UTC)


def _timeline(plan: Plan, applied_at: datetime) -> list[Step]:
    rng, now = plan.rng, plan.now
    steps = [Step(S.APPLIED, None, True, "", applied_at)]
    wait = rng.choices(WAITS, WAIT_WEIGHTS)[0]
    decided_on = add_working_days(local_date(applied_at), wait)
    soonest = applied_at + timedelta(minutes=rng.randint(20, 240))
    decided_at = max(_during(decided_on, 9, 17, rng), soonest)
    if decided_at > now:
        return steps  # still waiting for a decision
    decision = rng.choices(DECISIONS, DECISION_WEIGHTS)[0]
    steps.append(Step(decision, S.APPLIED, decision == S.WITHDRAWN, "", decided_at))
    if decision == S.APPROVED:
        _after_approval(plan, steps)
    elif decision == S.WAITLISTED:
        later = decided_at + timedelta(days=rng.uniform(5, 90))
        chance = rng.random()
        if later < now and chance < 0.5:
            steps.append(Step(S.APPROVED, S.WAITLISTED, False, "", later))
            _after_approval(plan, steps)
        elif later < now and chance < 0.8:
            steps.append(Step(S.WITHDRAWN, S.WAITLISTED, True, "", later))
    return steps


def _after_approval(plan: Plan, steps: list[Step]) -> None:
    """Most approved placements start; many of those have ended since; a few are withdrawn."""
    rng, now, approved_at = plan.rng, plan.now, steps[-1].at
    chance = rng.random()
    if chance < 0.08:
        withdrawn_at = approved_at + timedelta(days=rng.uniform(1, 20))
        if withdrawn_at < now:
            steps.append(Step(S.WITHDRAWN, S.APPROVED, True, "", withdrawn_at))
        return
    started_at = approved_at + timedelta(days=rng.uniform(1, 21))
    if chance > 0.9 or started_at > now - timedelta(days=2):
        return  # approved, not started yet
    steps.append(Step(S.ACTIVE, S.APPROVED, False, "", started_at))
    ended_at = started_at + timedelta(days=rng.uniform(30, 720))
    if ended_at < now and rng.random() < 0.7:
        reason = rng.choice(("completed", "completed", "moved-on", "other"))
        steps.append(Step(S.ENDED, S.ACTIVE, False, reason, ended_at))


def _event(placement: int, step: Step, volunteer: int, staff: int) -> tuple[Any, ...]:
    return (
        placement,
        step.status.value,
        step.previous.value if step.previous is not None else None,
        volunteer if step.by_volunteer else staff,
        step.reason,
        "",
        step.at,
    )
