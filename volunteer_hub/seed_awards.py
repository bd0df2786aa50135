"""Demo awards: last year's cycle with its results published (winners linked to demo
volunteers with the most verified hours), and this year's open for nominations today, with
nominations waiting for review and two judges. Adds only the cycles that are missing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from .auth.models import User
from .awards.models import (
    AwardCategory,
    AwardCycle,
    Eligibility,
    JudgeAssignment,
    Nomination,
    NominationEvent,
    NominationStatus,
    Outcome,
)
from .awards.services import lock_category, publish_results
from .clock import hub_zone, local_today
from .database import utcnow
from .extensions import db
from .hours.models import VolunteerMonthHours

CATEGORIES: list[tuple[str, Eligibility, str]] = [
    (
        "Young volunteer of the year",
        Eligibility.YOUNG,
        "A volunteer under 25 who made a difference.",
    ),
    (
        "Volunteer of the year",
        Eligibility.INDIVIDUAL,
        "A volunteer whose work stood out this year.",
    ),
    ("Volunteer team or group of the year", Eligibility.GROUP, "A team achieving more together."),
    ("Corporate volunteering team of the year", Eligibility.CORPORATE, "A local employer's team."),
    ("Lifetime achievement", Eligibility.INDIVIDUAL, "Many years of service to the borough."),
    ("Trustee of the year", Eligibility.INDIVIDUAL, "A trustee who strengthened their charity."),
]
CRITERIA = ["Difference made to people", "Commitment and reliability", "Going the extra mile"]
STATEMENTS = [
    "Every Saturday for years they have opened the library early so families can read together.",
    "They set up the food bank's delivery rota and never missed a week, even in the snow.",
    "Patient, kind and always cheerful: the residents at the care home light up when they come.",
    "They trained a dozen new volunteers this year and made every one of them feel welcome.",
]
GROUPS = ["Friends of Vernon Park", "Reddish Litter Pickers", "Marple Repair Café"]


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=hub_zone()).astimezone(UTC)


def _cycle(year: int, opens: date, closes: date) -> AwardCycle:
    cycle = AwardCycle(
        year=year,
        title=f"Riverside Volunteer Awards {year}",
        nominations_open_at=_local(opens, 9),
        nominations_close_at=_local(closes, 17),
        judging_deadline=closes + timedelta(days=21),
        ceremony_at=_local(closes + timedelta(days=45), 19),
        venue="Stockport Town Hall, Wellington Road South",
    )
    db.session.add(cycle)
    for position, (name, eligibility, description) in enumerate(CATEGORIES, start=1):
        db.session.add(
            AwardCategory(
                cycle=cycle,
                name=name,
                description=description,
                criteria=list(CRITERIA),
                eligibility=eligibility,
                age_on=closes if eligibility == Eligibility.YOUNG else None,
                position=position,
            )
        )
    db.session.flush()
    return cycle


def _nomination(
    category: AwardCategory, rng: random.Random, name: str, status: str, **fields: object
) -> Nomination:
    number = rng.randrange(1000, 9999)
    nomination = Nomination(
        category=category,
        status=status,
        nominee_name=name,
        nominee_organisation=rng.choice(GROUPS),
        nominator_name=f"Demo nominator {number}",
        nominator_email=f"nominator{number}@example.org",
        nominator_relationship="We volunteer together",
        statement=rng.choice(STATEMENTS),
        confirmed_at=None if status == NominationStatus.UNCONFIRMED else utcnow(),
        **fields,
    )
    db.session.add(nomination)
    db.session.flush()
    db.session.add(NominationEvent(nomination_id=nomination.id, action="nominated", status=status))
    return nomination


def _top_volunteers(count: int) -> list[User]:
    total = func.sum(VolunteerMonthHours.quarters)
    ids = db.session.scalars(
        select(VolunteerMonthHours.volunteer_id)
        .group_by(VolunteerMonthHours.volunteer_id)
        .order_by(total.desc(), VolunteerMonthHours.volunteer_id)
        .limit(count)
    )
    return [user for user in (db.session.get(User, user_id) for user_id in ids) if user]


def _past(year: int, staff: User, rng: random.Random) -> None:
    """Last year's cycle: judged, locked and published, its certificates issued."""
    cycle = _cycle(year, date(year, 3, 1), date(year, 4, 30))
    volunteers = iter(_top_volunteers(len(CATEGORIES)))
    for category in cycle.categories:
        individual = category.eligibility in (Eligibility.INDIVIDUAL, Eligibility.YOUNG)
        winner = next(volunteers, None) if individual else None
        name = winner.name if winner else rng.choice(GROUPS)
        _nomination(
            category,
            rng,
            name,
            NominationStatus.SHORTLISTED,
            outcome=Outcome.WINNER,
            nominee_user_id=winner.id if winner else None,
        )
        for outcome in (Outcome.HIGHLY_COMMENDED, Outcome.SHORTLISTED):
            _nomination(
                category,
                rng,
                f"Demo nominee {rng.randrange(100, 999)}",
                NominationStatus.SHORTLISTED,
                outcome=outcome,
            )
        lock_category(category, staff)
    publish_results(cycle, staff)


def _current(year: int, today: date, staff: User, volunteer: User, rng: random.Random) -> None:
    """This year's cycle, open today: nominations waiting for review, and two judges."""
    cycle = _cycle(year, today - timedelta(days=14), today + timedelta(days=30))
    for category in cycle.categories:
        for _ in range(rng.randrange(2, 5)):
            _nomination(
                category, rng, f"Demo nominee {rng.randrange(100, 999)}", NominationStatus.SUBMITTED
            )
        _nomination(category, rng, "Not yet confirmed", NominationStatus.UNCONFIRMED)
    for category in cycle.categories[:3]:
        for judge in (staff, volunteer):
            db.session.add(JudgeAssignment(category=category, judge=judge, assigned_by_id=staff.id))


def seed_awards(staff: User, volunteer: User, say: Callable[[str], None]) -> None:
    rng = random.Random(7)
    today = local_today()
    existing = set(db.session.scalars(select(AwardCycle.year)))
    if today.year - 1 not in existing:
        _past(today.year - 1, staff, rng)
        say(f"Awards: the {today.year - 1} cycle with its results")
    if today.year not in existing:
        _current(today.year, today, staff, volunteer, rng)
        say(f"Awards: the {today.year} cycle, open for nominations")
    db.session.flush()
