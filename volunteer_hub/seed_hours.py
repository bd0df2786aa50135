"""Demo hours: over two years of them on the demo placements, in every status, with some
volunteers past each milestone and others on their way.

The placements were made today, so their timelines are moved back first and every entry falls
inside its placement's logging window. The history up to three weeks ago is inserted in bulk
with its own timeline (logged, then verified, on the days it happened), and the rollups and
milestones are computed from it by `rebuild_rollups`; the last three weeks go through the hours
services, as the volunteers and their coordinators would have logged and decided them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from .auth.models import AccessLevel, User
from .clock import local_today
from .extensions import db
from .hours import services as hours
from .hours.models import HoursEntry, HoursEvent, HoursStatus, Milestone
from .hours.rollup import rebuild_rollups
from .organisations.models import Membership
from .placements import services as placements
from .placements.models import Placement, PlacementStatus
from .roles.models import Role, RoleStatus
from .shifts.services import real_moment

HISTORY_END = 21  # days before today: older hours are history, newer go through the services
# Approved hours aimed at by each volunteer in turn, by their placement's status, and how many
# days ago their placement was approved (from, to).
TARGETS = {
    PlacementStatus.ACTIVE: [1150, 270, 60, 560, 130, 30, 180, 75, 520, 105, 40, 1060, 300],
    PlacementStatus.ENDED: [110, 55, 300, 20, 160, 65, 90, 260, 35, 130],
    PlacementStatus.APPROVED: [12, 25, 8, 30, 18, 40, 6],
}
APPROVED_DAYS_AGO = {
    PlacementStatus.ACTIVE: (420, 960),
    PlacementStatus.ENDED: (480, 1000),
    PlacementStatus.APPROVED: (35, 150),
}
# The demo volunteer and three others join the demo coordinator's organisation: (hours aimed
# at, days ago approved), so both demo logins have hours to see and to verify.
COORDINATED = [(230, 760), (1080, 940), (540, 820), (95, 400)]
NOTES = [
    "",
    "",
    "",
    "Usual weekly session",
    "Covered an extra shift",
    "Set up and cleared away after the event",
    "Showed a new volunteer the ropes",
    "Stocktake",
    "Sorting donations",
    "Morning session",
    "Afternoon session",
]
QUERIES = [
    "Could you check the hours? The session ran from 10 till 1, so 3 hours.",
    "Which day was this? The register has you down for the Saturday before.",
    "Was this the morning or the afternoon session? We had you on both.",
]
REASONS = [
    "This session was already logged on the same day.",
    "Travel to and from the venue does not count here: please log the time on site only.",
    "We were closed that day for the bank holiday, so this cannot be right.",
]
# What happens to the hours logged in the last three weeks, in turn.
OUTCOMES = ["approve", "pending", "query", "approve", "pending", "reject", "approve", "pending"]
DEMO_OUTCOMES = ["query", "pending", "approve"]


@dataclass(frozen=True)
class Plan:
    """One placement's hours: its logging window, the hours aimed at, a usual session."""

    placement: Placement
    volunteer: User
    verifier: User
    first: date
    last: date
    target: int
    session: int  # quarter-hours


def seed_hours(rng: random.Random, say: Callable[[str], None]) -> None:
    """Add the demo hours once (nothing when any hours were logged other than a shift's)."""
    logged = select(HoursEntry.id).where(HoursEntry.shift_booking_id.is_(None)).limit(1)
    if db.session.scalar(logged) is not None:
        return
    staff = db.session.scalar(
        select(User).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
    )
    if staff is None:
        return
    today = local_today()
    coordinated = _coordinated_placements(today)
    plans = [_plan(p, coordinated.get(p.id), staff, rng, today) for p in _placements()]
    if not plans:
        say("Hours: none added (no placements to log them against)")
        return
    _history(plans, rng, today)
    rebuild_rollups()
    _live(plans, rng, today)
    _shift_hours()
    db.session.flush()
    _report(say)


def _placements() -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement)
            .where(
                Placement.status.in_(hours.VERIFIER_LOGS),
                Placement.volunteer_id.is_not(None),
                Placement.group_name.is_(None),
            )
            .order_by(Placement.id)
        )
    )


def _coordinated_placements(today: date) -> dict[int, tuple[int, int]]:
    """Placements on the demo coordinator's roles, started through the placement services;
    returns each one's (hours aimed at, days ago approved) by id."""
    membership = db.session.scalar(
        select(Membership).join(User).where(User.email.like("coordinator@%")).limit(1)
    )
    if membership is None:
        return {}
    coordinator = membership.user
    roles = db.session.scalars(
        select(Role)
        .where(Role.organisation_id == membership.organisation_id)
        .where(Role.status == RoleStatus.PUBLISHED)
        .order_by(Role.id)
    ).all()
    no_placement = ~select(Placement.id).where(Placement.volunteer_id == User.id).exists()
    people = db.session.scalars(
        select(User)
        .where(User.email.like("volunteer%@%"), no_placement)
        .order_by(User.email.like("volunteer@%").desc(), User.id)
        .limit(12)
    ).all()
    made: dict[int, tuple[int, int]] = {}
    for person in people:
        placement = _join(person, roles, coordinator, today)
        if placement is not None:
            made[placement.id] = COORDINATED[len(made)]
        if len(made) == len(COORDINATED):
            break
    return made


def _join(person: User, roles: Any, coordinator: User, today: date) -> Placement | None:
    """`person` applies to the first of `roles` that will have them; approved and started."""
    for role in roles:
        application = placements.Application(note="I would love to help at the library.")
        try:
            placement = placements.apply(role, person, application, today)
        except placements.PlacementRefused:
            continue
        try:
            placements.decide(placement, "approve", coordinator)
            placements.decide(placement, "start", coordinator)
        except placements.PlacementRefused:
            return None  # not eligible yet: the application waits, as in life
        return placement
    return None


def _plan(
    placement: Placement,
    coordinated: tuple[int, int] | None,
    staff: User,
    rng: random.Random,
    today: date,
) -> Plan:
    status = PlacementStatus(placement.status)
    if coordinated is not None:
        target, days_ago = coordinated
    else:
        targets = TARGETS[status]
        target = targets[placement.id % len(targets)]
        days_ago = rng.randint(*APPROVED_DAYS_AGO[status])
    session = rng.choice((20, 24, 28) if target >= 400 else (6, 8, 10, 12, 14, 16))
    needed = target * 4 // session * 7 // 3 + HISTORY_END  # at most three sessions a week
    first = today - timedelta(days=max(days_ago, needed))
    last = today
    if status == PlacementStatus.ENDED:
        last = today - timedelta(days=rng.randint(30, 200))
    if placement.role.ends_on is not None:  # hours stop when the role ends
        last = min(last, placement.role.ends_on)
    first = min(first, last - timedelta(days=needed))
    _move_back(placement, first, last, rng)
    assert placement.volunteer is not None  # noqa: S101 - chosen so
    return Plan(
        placement, placement.volunteer, _verifier(placement, staff), first, last, target, session
    )


def _move_back(placement: Placement, first: date, last: date, rng: random.Random) -> None:
    """Move the placement's timeline back: applied some days before `first`, approved on
    `first`, started a few days later, and (if it ended) ended on `last`."""
    approved_at = real_moment(first, time(10))
    times = {
        PlacementStatus.APPLIED: approved_at - timedelta(days=rng.randint(4, 20)),
        PlacementStatus.APPROVED: approved_at,
        PlacementStatus.ACTIVE: approved_at + timedelta(days=rng.randint(2, 9)),
        PlacementStatus.ENDED: real_moment(last, time(16)),
    }
    moment = times[PlacementStatus.APPLIED]
    for event in placement.events:
        moment = times.get(PlacementStatus(event.status), moment + timedelta(hours=1))
        event.created_at = moment
    placement.created_at = placement.events[0].created_at
    placement.decided_at = approved_at
    placement.status_changed_at = placement.updated_at = moment


def _verifier(placement: Placement, staff: User) -> User:
    """The organisation's first coordinator, or hub staff."""
    member = db.session.scalar(
        select(Membership)
        .where(Membership.organisation_id == placement.role.organisation_id)
        .order_by(Membership.id)
        .limit(1)
    )
    return member.user if member is not None else staff


def _history(plans: list[Plan], rng: random.Random, today: date) -> None:
    """Sessions up to three weeks ago, logged and verified on the days they happened."""
    entries: list[dict[str, Any]] = []
    timelines: list[list[dict[str, Any]]] = []
    for plan in plans:
        end = min(plan.last, today - timedelta(days=HISTORY_END))
        days = [plan.first + timedelta(days=n) for n in range((end - plan.first).days + 1)]
        count = min(len(days) * 3 // 7, round(plan.target * 4 / plan.session))
        for day in sorted(rng.sample(days, count)):
            entry, timeline = _entry(plan, day, rng)
            entries.append(entry)
            timelines.append(timeline)
    if not entries:
        return
    ids = db.session.scalars(
        insert(HoursEntry).returning(HoursEntry.id, sort_by_parameter_order=True), entries
    ).all()
    db.session.execute(
        insert(HoursEvent),
        [step | {"entry_id": i} for i, steps in zip(ids, timelines, strict=True) for step in steps],
    )


def _entry(
    plan: Plan, day: date, rng: random.Random
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One session's entry and its timeline: logged by the volunteer (or by the coordinator,
    approved at once), then approved or, now and then, not accepted."""
    quarters = max(2, min(96, plan.session + rng.choice((-4, -2, 0, 0, 0, 2, 4))))
    by_verifier = rng.random() < 0.1
    logged_at = real_moment(day, time(18)) + timedelta(days=rng.choice((0, 0, 0, 1, 2, 5)))
    rejected = not by_verifier and rng.random() < 0.03
    verified_at = logged_at if by_verifier else _later(logged_at, rng)
    status = HoursStatus.REJECTED if rejected else HoursStatus.APPROVED
    message = rng.choice(REASONS) if rejected else ""
    logger = plan.verifier if by_verifier else plan.volunteer
    entry = {
        "volunteer_id": plan.volunteer.id,
        "placement_id": plan.placement.id,
        "role_id": plan.placement.role_id,
        "worked_on": day,
        "quarters": quarters,
        "note": rng.choice(NOTES),
        "status": status,
        "message": message,
        "logged_by_id": logger.id,
        "verified_by_id": plan.verifier.id,
        "verified_at": verified_at,
        "created_at": logged_at,
        "updated_at": verified_at,
    }
    timeline = [
        _step("logged", HoursStatus.PENDING, logger, logged_at, ""),
        _step(str(status), status, plan.verifier, verified_at, message),
    ]
    return entry, timeline


def _later(moment: datetime, rng: random.Random) -> datetime:
    return moment + timedelta(days=rng.randint(1, 9), hours=rng.randint(-4, 2))


def _step(action: str, status: str, actor: User, at: datetime, message: str) -> dict[str, Any]:
    return {
        "action": action,
        "status": status,
        "actor_id": actor.id,
        "message": message,
        "created_at": at,
    }


def _live(plans: list[Plan], rng: random.Random, today: date) -> None:
    """Hours of the last three weeks, logged by the volunteers and decided by their
    coordinators through the services: some approved, queried or not accepted, the rest
    waiting; one queried entry corrected and sent back."""
    turn = 0
    for plan in plans:
        if plan.placement.status not in hours.VOLUNTEER_LOGS:
            continue
        demo = plan.volunteer.email.startswith("volunteer@")
        days = sorted(rng.sample(range(1, HISTORY_END), k=3 if demo else rng.randint(1, 3)))
        for index, days_ago in enumerate(days):
            day = min(plan.last, max(plan.first, today - timedelta(days=days_ago)))
            quarters = plan.session + rng.choice((-2, 0, 2))
            entry = hours.log_hours(
                plan.placement, day, quarters, rng.choice(NOTES), plan.volunteer, today
            )
            outcome = DEMO_OUTCOMES[index] if demo else OUTCOMES[turn % len(OUTCOMES)]
            turn += 0 if demo else 1
            _decide(entry, outcome, plan.verifier, rng)
    _correct_one(today)


def _decide(entry: HoursEntry, outcome: str, verifier: User, rng: random.Random) -> None:
    if outcome == "approve":
        hours.decide(entry, "approve", verifier)
    elif outcome == "query":
        hours.decide(entry, "query", verifier, rng.choice(QUERIES))
    elif outcome == "reject":
        hours.decide(entry, "reject", verifier, rng.choice(REASONS))


def _correct_one(today: date) -> None:
    """The first volunteer asked about their hours (not the demo volunteer, whose query waits
    for them) has answered it by correcting the entry: it is waiting to be verified again."""
    entry = db.session.scalar(
        select(HoursEntry)
        .join(User, User.id == HoursEntry.volunteer_id)
        .where(HoursEntry.status == HoursStatus.QUERIED, ~User.email.like("volunteer@%"))
        .order_by(HoursEntry.id)
        .limit(1)
    )
    if entry is not None:
        hours.correct(
            entry, entry.volunteer, entry.worked_on, entry.quarters - 2, entry.note, today
        )


def _shift_hours() -> int:
    """The hours from attended shifts: every other one approved, the rest waiting."""
    waiting = db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.shift_booking_id.is_not(None), HoursEntry.status == HoursStatus.PENDING)
        .order_by(HoursEntry.id)
    ).all()
    staff = db.session.scalar(
        select(User).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
    )
    if staff is None:
        return 0
    return hours.bulk_approve(waiting[::2], staff)


def _report(say: Callable[[str], None]) -> None:
    statuses = dict(
        db.session.execute(
            select(HoursEntry.status, func.count()).group_by(HoursEntry.status)
        ).all()
    )
    people = db.session.scalar(select(func.count(func.distinct(HoursEntry.volunteer_id))))
    earliest = db.session.scalar(select(func.min(HoursEntry.worked_on)))
    reached = db.session.scalar(select(func.count()).select_from(Milestone))
    words = ", ".join(f"{count:,} {status}" for status, count in sorted(statuses.items()))
    say(
        f"Hours: {sum(statuses.values()):,} entries for {people} volunteers since "
        f"{earliest:%-d %B %Y} ({words}); {reached} milestones reached"
    )
