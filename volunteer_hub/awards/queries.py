"""Reading the awards: the public cycle pages, the staff's lists and counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..extensions import db
from ..placements.models import Placement, PlacementStatus
from ..roles.models import Role
from .models import (
    OUTCOME_ORDER,
    AwardCategory,
    AwardCycle,
    JudgeAssignment,
    Nomination,
    NominationStatus,
    Outcome,
)

# The statuses staff filter a category's nominations by; "review" is the work waiting.
REVIEW = "review"
IN_REVIEW = (NominationStatus.SUBMITTED,)


def count_waiting() -> int:
    """Confirmed nominations nobody has reviewed yet, across every cycle."""
    query = select(func.count()).where(Nomination.status == NominationStatus.SUBMITTED)
    return db.session.scalar(query.select_from(Nomination)) or 0


def current_cycle() -> AwardCycle | None:
    """The latest cycle whose results are not yet published, or else the latest one."""
    unpublished = db.session.scalar(
        select(AwardCycle)
        .where(AwardCycle.results_published_at.is_(None))
        .order_by(AwardCycle.year.desc())
        .limit(1)
    )
    return unpublished or db.session.scalar(
        select(AwardCycle).order_by(AwardCycle.year.desc()).limit(1)
    )


def cycle_by_year(year: int) -> AwardCycle | None:
    return db.session.scalar(
        select(AwardCycle)
        .where(AwardCycle.year == year)
        .options(selectinload(AwardCycle.categories))
    )


def published_cycles() -> list[AwardCycle]:
    return list(
        db.session.scalars(
            select(AwardCycle)
            .where(AwardCycle.results_published_at.is_not(None))
            .order_by(AwardCycle.year.desc())
        )
    )


def results(cycle: AwardCycle) -> dict[int, list[Nomination]]:
    """The published outcomes per category id: winners first, then highly commended."""
    outcome_order = case(
        *((Nomination.outcome == str(outcome), rank) for outcome, rank in OUTCOME_ORDER.items()),
        else_=9,
    )
    rows = db.session.scalars(
        select(Nomination)
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .where(
            AwardCategory.cycle_id == cycle.id,
            Nomination.status == NominationStatus.SHORTLISTED,
            Nomination.outcome.in_([str(outcome) for outcome in Outcome]),
        )
        .order_by(outcome_order, Nomination.nominee_name, Nomination.id)
    )
    found: dict[int, list[Nomination]] = {}
    for nomination in rows:
        found.setdefault(nomination.category_id, []).append(nomination)
    return found


def category_counts(cycle: AwardCycle) -> dict[tuple[int, str], int]:
    """How many nominations each category holds in each status."""
    rows = db.session.execute(
        select(Nomination.category_id, Nomination.status, func.count())
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .where(AwardCategory.cycle_id == cycle.id)
        .group_by(Nomination.category_id, Nomination.status)
    )
    return {(category_id, status): count for category_id, status, count in rows}


def category_nominations(category: AwardCategory, status: str) -> Select[Any]:
    """A category's nominations in `status` (or waiting for review), oldest first."""
    wanted = IN_REVIEW if status == REVIEW else (status,)
    return (
        select(Nomination)
        .where(Nomination.category_id == category.id, Nomination.status.in_(wanted))
        .options(selectinload(Nomination.nominee_user))
        .order_by(Nomination.created_at, Nomination.id)
    )


def merge_targets(nomination: Nomination, limit: int = 200) -> list[Nomination]:
    """Nominations of the same category this one may be merged into, by nominee."""
    return list(
        db.session.scalars(
            select(Nomination)
            .where(
                Nomination.category_id == nomination.category_id,
                Nomination.id != nomination.id,
                Nomination.status.in_([NominationStatus.SUBMITTED, NominationStatus.SHORTLISTED]),
            )
            .order_by(Nomination.nominee_name, Nomination.id)
            .limit(limit)
        )
    )


def merged_into(nomination: Nomination) -> list[Nomination]:
    """The nominations merged into this one: their statements are read with it."""
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.merged_into_id == nomination.id)
            .order_by(Nomination.created_at, Nomination.id)
        )
    )


def find_accounts(text: str, limit: int = 10) -> list[User]:
    """Accounts whose name or email holds `text`, to link a nominee to."""
    pattern = f"%{text.strip().lower()}%"
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.deleted_at.is_(None),
                or_(func.lower(User.name).like(pattern), User.email.like(pattern)),
            )
            .order_by(User.name, User.id)
            .limit(limit)
        )
    )


def roles_of(user: User) -> list[Placement]:
    """The volunteer's placements that were approved, with their roles."""
    return list(
        db.session.scalars(
            select(Placement)
            .where(
                Placement.volunteer_id == user.id,
                Placement.status.in_(
                    [PlacementStatus.APPROVED, PlacementStatus.ACTIVE, PlacementStatus.ENDED]
                ),
            )
            .options(selectinload(Placement.role).selectinload(Role.organisation))
            .order_by(Placement.id)
        )
    )


def judges_of(cycle: AwardCycle) -> dict[int, list[JudgeAssignment]]:
    """Each category's judge assignments, with the judges."""
    rows = db.session.scalars(
        select(JudgeAssignment)
        .join(AwardCategory, AwardCategory.id == JudgeAssignment.category_id)
        .where(AwardCategory.cycle_id == cycle.id)
        .options(selectinload(JudgeAssignment.judge))
        .order_by(JudgeAssignment.id)
    )
    found: dict[int, list[JudgeAssignment]] = {}
    for assignment in rows:
        found.setdefault(assignment.category_id, []).append(assignment)
    return found
