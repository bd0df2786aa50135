"""Setting up a cycle: its dates, its categories and their judges. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from ..mail import queue_email
from ..urls import external_url
from .models import AwardCategory, AwardCycle, Eligibility, JudgeAssignment
from .services import AwardsRefused


@dataclass(frozen=True)
class CycleData:
    year: int
    title: str
    nominations_open_at: datetime
    nominations_close_at: datetime
    judging_deadline: date
    ceremony_at: datetime
    venue: str


@dataclass(frozen=True)
class CategoryData:
    name: str
    description: str
    criteria: list[str]
    eligibility: Eligibility
    age_on: date | None
    minimum_hours: int | None


def _check_cycle(data: CycleData, cycle: AwardCycle | None) -> None:
    if data.nominations_close_at <= data.nominations_open_at:
        raise AwardsRefused("Nominations must close after they open.")
    taken = db.session.scalar(select(AwardCycle.id).where(AwardCycle.year == data.year))
    if taken is not None and (cycle is None or taken != cycle.id):
        raise AwardsRefused(f"There is already an awards cycle for {data.year}.")


def save_cycle(data: CycleData, actor: User, cycle: AwardCycle | None = None) -> AwardCycle:
    """Create a cycle, or change one; the year is unique."""
    _check_cycle(data, cycle)
    created = cycle is None
    if cycle is None:
        cycle = AwardCycle()
        db.session.add(cycle)
    for name, value in vars(data).items():
        setattr(cycle, name, value)
    db.session.flush()
    record_event(
        "award_cycle.created" if created else "award_cycle.changed", actor=actor, subject=cycle
    )
    return cycle


def save_category(
    cycle: AwardCycle, data: CategoryData, actor: User, category: AwardCategory | None = None
) -> AwardCategory:
    """Add a category to the cycle, or change one that is not locked."""
    taken = db.session.scalar(
        select(AwardCategory.id).where(
            AwardCategory.cycle_id == cycle.id, AwardCategory.name == data.name
        )
    )
    if taken is not None and (category is None or taken != category.id):
        raise AwardsRefused("This cycle already has a category with that name.")
    if category is None:
        position = db.session.scalar(
            select(func.coalesce(func.max(AwardCategory.position), 0)).where(
                AwardCategory.cycle_id == cycle.id
            )
        )
        category = AwardCategory(cycle=cycle, position=(position or 0) + 1)
        db.session.add(category)
    elif category.locked:
        raise AwardsRefused("This category is locked: it can no longer change.")
    for name, value in vars(data).items():
        setattr(category, name, value)
    category.age_on = data.age_on if data.eligibility == Eligibility.YOUNG else None
    db.session.flush()
    record_event("award_category.saved", actor=actor, subject=category)
    return category


def assign_judge(category: AwardCategory, judge: User, actor: User) -> JudgeAssignment:
    """Make any active account a judge of the category."""
    if judge.deleted_at is not None or not judge.active:
        raise AwardsRefused("That account cannot judge.")
    existing = db.session.scalar(
        select(JudgeAssignment).where(
            JudgeAssignment.category_id == category.id, JudgeAssignment.judge_id == judge.id
        )
    )
    if existing is not None:
        raise AwardsRefused(f"{judge.name} already judges this category.")
    assignment = JudgeAssignment(category=category, judge=judge, assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    record_event("judge.assigned", actor=actor, subject=category, judge_id=judge.id)
    queue_email(
        judge.email,
        "judge_assigned",
        recipient_id=judge.id,
        judge=judge,
        category=category,
        link=external_url("awards.judging_list"),
    )
    return assignment


def remove_judge(assignment: JudgeAssignment, actor: User) -> None:
    """Take a judge off a category; scores they already gave stay and count."""
    check_category = assignment.category
    if check_category.locked:
        raise AwardsRefused("This category is locked: its judges can no longer change.")
    record_event("judge.removed", actor=actor, subject=check_category, judge_id=assignment.judge_id)
    db.session.delete(assignment)
