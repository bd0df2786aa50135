"""Judging: a judge sees the shortlisted nominations of their categories, except those they
declared a conflict on, and scores each against the category's criteria. Nobody but the
judge reads their marks; staff see only each nomination's tally. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import joinedload

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from .models import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    AwardCategory,
    ConflictDeclaration,
    JudgeAssignment,
    Nomination,
    NominationStatus,
    Score,
)
from .services import AwardsRefused, check_unlocked


def _assigned(user: User) -> Any:
    return exists().where(
        JudgeAssignment.judge_id == user.id,
        JudgeAssignment.category_id == Nomination.category_id,
    )


def _conflicted(user: User) -> Any:
    return exists().where(
        ConflictDeclaration.judge_id == user.id,
        ConflictDeclaration.nomination_id == Nomination.id,
    )


def judged_nominations(user: User) -> Select[Any]:
    """The shortlisted nominations `user` judges, by category then nominee."""
    return (
        select(Nomination)
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .where(
            Nomination.status == NominationStatus.SHORTLISTED,
            _assigned(user),
            ~_conflicted(user),
        )
        .options(joinedload(Nomination.category).joinedload(AwardCategory.cycle))
        .order_by(AwardCategory.cycle_id.desc(), AwardCategory.position, Nomination.nominee_name)
        .order_by(Nomination.id)
    )


def is_judge(user: User) -> bool:
    return (
        db.session.scalar(
            select(JudgeAssignment.id).where(JudgeAssignment.judge_id == user.id).limit(1)
        )
        is not None
    )


def nomination_for_judge(user: User, nomination_id: int) -> Nomination | None:
    """The nomination, when `user` may judge it now (assigned, shortlisted, no conflict)."""
    found: Nomination | None = db.session.scalar(
        judged_nominations(user).where(Nomination.id == nomination_id)
    )
    return found


def my_scores(user: User, nomination_ids: list[int]) -> dict[int, Score]:
    """The judge's own scores for these nominations, and nobody else's."""
    if not nomination_ids:
        return {}
    rows = db.session.scalars(
        select(Score).where(Score.judge_id == user.id, Score.nomination_id.in_(nomination_ids))
    )
    return {score.nomination_id: score for score in rows}


def declare_conflict(nomination: Nomination, judge: User) -> None:
    """Record the judge's conflict of interest; any score they gave it is withdrawn."""
    check_unlocked(nomination.category)
    db.session.add(ConflictDeclaration(nomination_id=nomination.id, judge_id=judge.id))
    score = db.session.scalar(
        select(Score).where(Score.judge_id == judge.id, Score.nomination_id == nomination.id)
    )
    if score is not None:
        db.session.delete(score)
    record_event("judge.conflict_declared", actor=judge, subject=nomination)


def save_score(nomination: Nomination, judge: User, marks: list[int], comment: str) -> Score:
    """Score each of the category's criteria from 1 to 5; a judge may change their score
    until the category is locked."""
    check_unlocked(nomination.category)
    criteria = nomination.category.criteria
    if len(marks) != len(criteria) or any(
        not LOWEST_SCORE <= mark <= HIGHEST_SCORE for mark in marks
    ):
        raise AwardsRefused(f"Score each criterion from {LOWEST_SCORE} to {HIGHEST_SCORE}.")
    score = db.session.scalar(
        select(Score).where(Score.judge_id == judge.id, Score.nomination_id == nomination.id)
    )
    if score is None:
        score = Score(nomination_id=nomination.id, judge_id=judge.id)
        db.session.add(score)
    score.marks = list(marks)
    score.total = sum(marks)
    score.comment = comment.strip()
    db.session.flush()
    record_event("judge.scored", actor=judge, subject=nomination)
    return score


@dataclass(frozen=True)
class Tally:
    nomination: Nomination
    total: int
    count: int
    tied: bool

    @property
    def mean(self) -> Fraction | None:
        return Fraction(self.total, self.count) if self.count else None


def tallies(category: AwardCategory) -> list[Tally]:
    """Each shortlisted nomination's total, number of scores and mean (the mean of the
    judges' totals), best mean first; nominations with the same mean are flagged as tied."""
    rows = db.session.execute(
        select(Nomination, func.coalesce(func.sum(Score.total), 0), func.count(Score.id))
        .outerjoin(Score, Score.nomination_id == Nomination.id)
        .where(
            Nomination.category_id == category.id,
            Nomination.status == NominationStatus.SHORTLISTED,
        )
        .group_by(Nomination.id)
        .order_by(Nomination.nominee_name, Nomination.id)
    ).all()
    means = [Fraction(int(total), count) if count else None for _, total, count in rows]
    result = [
        Tally(nomination, int(total), count, mean is not None and means.count(mean) > 1)
        for (nomination, total, count), mean in zip(rows, means, strict=True)
    ]
    return sorted(result, key=lambda tally: -(tally.mean or -1))
