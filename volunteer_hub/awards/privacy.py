"""Nominations in the account export, and their erasure. A person made a nomination when
its nominator's email is their account's; they received one when it is linked to their
account. Erasure keeps every nomination (counts and results stay true) but blanks the names
and contacts that identify the erased person, and the statements about them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..exporting import columns
from ..extensions import db
from .models import AwardCategory, Nomination, NominationEvent, Score

ERASED = "Erased"
NOMINATION_COLUMNS = [
    "id",
    "status",
    "nominee_name",
    "nominee_organisation",
    "nominee_contact",
    "nominator_name",
    "nominator_email",
    "nominator_relationship",
    "statement",
    "supporting",
    "created_at",
    "confirmed_at",
]
# About the person: what was said of them, not who said it (another person's data).
RECEIVED_COLUMNS = ["id", "nominee_name", "nominee_organisation", "statement", "supporting"]
RECEIVED_COLUMNS += ["created_at", "citation"]


def _made_by(user: User) -> Any:
    return func.lower(Nomination.nominator_email) == user.email.lower()


def _about(user: User) -> Any:
    """Nominations linked to the person, and those merged into them (about them too)."""
    linked = select(Nomination.id).where(Nomination.nominee_user_id == user.id)
    return or_(
        Nomination.nominee_user_id == user.id,
        Nomination.merged_into_id.in_(linked.scalar_subquery()),
    )


def _section(nomination: Nomination, fields: list[str]) -> dict[str, Any]:
    """The nomination's `fields`, its category and year, and its outcome once the cycle's
    results are published (before then, not even to the people concerned)."""
    cycle = nomination.category.cycle
    return columns(nomination, fields) | {
        "category": nomination.category.name,
        "cycle": cycle.year,
        "outcome": nomination.outcome if cycle.published else None,
    }


def _nominations(condition: Any) -> list[Nomination]:
    return list(
        db.session.scalars(
            select(Nomination)
            .where(condition)
            .options(selectinload(Nomination.category).selectinload(AwardCategory.cycle))
            .order_by(Nomination.id)
        )
    )


def awards_sections(user: User) -> dict[str, list[dict[str, Any]]]:
    """Nominations the person made, nominations about them (statements included), and
    what they scored as a judge."""
    scores = db.session.scalars(select(Score).where(Score.judge_id == user.id).order_by(Score.id))
    return {
        "nominations_made": [_section(n, NOMINATION_COLUMNS) for n in _nominations(_made_by(user))],
        "nominations_received": [_section(n, RECEIVED_COLUMNS) for n in _nominations(_about(user))],
        "award_scores": [
            columns(score, ["nomination_id", "marks", "total", "comment", "updated_at"])
            for score in scores
        ],
    }


def erase_awards(user: User) -> None:
    """Keep every nomination; blank the person's name and contact where they nominated
    (their statement about someone else stays), and the nominee's name, contact, statements
    and the reasons in the history where the nomination is about them."""
    made = _made_by(user)
    db.session.execute(
        update(Nomination)
        .where(made)
        .values(
            nominator_name=ERASED,
            nominator_email="erased@invalid",
            nominator_relationship="",
        )
        .execution_options(synchronize_session=False)
    )
    about = list(db.session.scalars(select(Nomination.id).where(_about(user))))
    if about:
        db.session.execute(
            update(Nomination)
            .where(Nomination.id.in_(about))
            .values(
                nominee_name=ERASED,
                nominee_contact="",
                statement="",
                supporting="",
                citation="",
                nominee_user_id=None,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(NominationEvent)
            .where(NominationEvent.nomination_id.in_(about))
            .values(message="")
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(NominationEvent)
        .where(NominationEvent.actor_id == user.id)
        .values(actor_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Score)
        .where(Score.judge_id == user.id)
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
