"""Staff decisions on nominations: every change of status goes through `move`, which checks
the transition table, records the step (who, when, why) in the nomination's history and an
audit event (ids only; the reason lives in the history). Then the outcomes, locking a
category and publishing a cycle's results. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from ..audit.services import record_event
from ..auth.models import User
from ..clock import age_on
from ..database import utcnow
from ..extensions import db
from ..hours.models import QUARTERS_PER_HOUR
from ..hours.totals import lifetime_progress
from ..locks import lock_row
from .ceremony import issue_award_certificates, release_award_certificates
from .models import (
    NOMINATION_TRANSITIONS,
    AwardCategory,
    AwardCycle,
    Eligibility,
    Nomination,
    NominationEvent,
    NominationStatus,
    Outcome,
)


class AwardsRefused(Exception):
    """An awards action that cannot be done, with the reason in plain words."""


def add_history(nomination: Nomination, action: str, actor: User | None, message: str = "") -> None:
    db.session.add(
        NominationEvent(
            nomination_id=nomination.id,
            action=action,
            status=nomination.status,
            actor_id=actor.id if actor else None,
            message=message,
        )
    )


def check_unlocked(category: AwardCategory) -> None:
    """Hold the category's row until commit, then refuse if it is locked: every change to its
    results (statuses, outcomes, scores) and its locking take turns, so a change cannot land
    beside a lock and two staff locking at once lock (and issue certificates) once."""
    lock_row(AwardCategory, category.id)
    db.session.refresh(category, ["locked_at"])
    if category.locked:
        raise AwardsRefused("This category is locked: its results can no longer change.")


def move(
    nomination: Nomination,
    new: NominationStatus,
    actor: User | None,
    action: str,
    reason: str = "",
) -> None:
    """Change the nomination's status as the transition table allows, with its history."""
    current = NominationStatus(nomination.status)
    if new not in NOMINATION_TRANSITIONS[current]:
        raise AwardsRefused(
            f"This nomination is {nomination.status_label.lower()}: it cannot be {action}."
        )
    check_unlocked(nomination.category)
    nomination.status = new
    if new != NominationStatus.SHORTLISTED:
        nomination.outcome = None
    add_history(nomination, action, actor, reason)
    record_event(f"nomination.{action}", actor=actor, subject=nomination)


# The staff's decisions on a nomination: (new status, history action, reason needed).
DECISIONS: dict[str, tuple[NominationStatus, str, bool]] = {
    "shortlist": (NominationStatus.SHORTLISTED, "shortlisted", False),
    "not-progressed": (NominationStatus.NOT_PROGRESSED, "not progressed", False),
    "ineligible": (NominationStatus.INELIGIBLE, "marked ineligible", True),
    "reopen": (NominationStatus.SUBMITTED, "reopened", False),
}


def decisions_for(nomination: Nomination) -> list[str]:
    """The decisions staff may make on the nomination as it stands."""
    if nomination.category.locked:
        return []
    allowed = NOMINATION_TRANSITIONS[NominationStatus(nomination.status)]
    return [name for name, (status, _, _) in DECISIONS.items() if status in allowed]


@dataclass(frozen=True)
class EligibilityNote:
    text: str
    blocks: bool  # True: the nominee cannot be shortlisted in this category


def verified_quarters(user_id: int) -> int:
    return lifetime_progress(user_id).quarters


def eligibility_notes(nomination: Nomination) -> list[EligibilityNote]:
    """What the linked volunteer record says about the category's rules."""
    category, user = nomination.category, nomination.nominee_user
    notes: list[EligibilityNote] = []
    if category.minimum_hours:
        if user is None:
            notes.append(
                EligibilityNote(
                    f"This category needs {category.minimum_hours} verified hours: link the "
                    "nominee to their volunteer account to check them.",
                    True,
                )
            )
        elif verified_quarters(user.id) < category.minimum_hours * QUARTERS_PER_HOUR:
            notes.append(
                EligibilityNote(
                    f"The nominee has fewer than the {category.minimum_hours} verified hours "
                    "this category needs.",
                    True,
                )
            )
    if category.eligibility == Eligibility.YOUNG and category.age_on is not None:
        born = user.profile.date_of_birth if user is not None and user.profile else None
        if born is None:
            notes.append(
                EligibilityNote("Check the nominee was under 25 on the category's date.", False)
            )
        elif age_on(born, category.age_on) >= 25:
            notes.append(
                EligibilityNote(f"The nominee was 25 or over on {category.age_on:%-d %B %Y}.", True)
            )
    return notes


def decide(nomination: Nomination, decision: str, actor: User, reason: str = "") -> None:
    """Shortlist, not progress, mark ineligible (with a reason) or reopen a nomination."""
    if decision not in DECISIONS:
        raise AwardsRefused("Choose what to do with this nomination.")
    status, action, needs_reason = DECISIONS[decision]
    if needs_reason and not reason.strip():
        raise AwardsRefused("Say why the nomination is not eligible.")
    if status == NominationStatus.SHORTLISTED:
        blocking = [note.text for note in eligibility_notes(nomination) if note.blocks]
        if blocking:
            raise AwardsRefused(blocking[0])
    move(nomination, status, actor, action, reason.strip())


def merge(nomination: Nomination, kept: Nomination, actor: User) -> None:
    """Merge `nomination` into `kept` (same category, both still in review): its statement
    stays readable on the kept one, and anything merged into it follows."""
    if kept.id == nomination.id or kept.category_id != nomination.category_id:
        raise AwardsRefused("Choose another nomination in the same category.")
    if kept.status not in (NominationStatus.SUBMITTED, NominationStatus.SHORTLISTED):
        raise AwardsRefused("Nominations can be merged only into one still in review.")
    move(nomination, NominationStatus.MERGED, actor, "merged", f"Merged into nomination {kept.id}")
    nomination.merged_into_id = kept.id
    db.session.execute(
        update(Nomination)
        .where(Nomination.merged_into_id == nomination.id)
        .values(merged_into_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    add_history(kept, "merged in", actor, f"Nomination {nomination.id} merged into this one")
    record_event("nomination.merged_in", actor=actor, subject=kept, merged_id=nomination.id)


def link_nominee(nomination: Nomination, user: User | None, actor: User) -> None:
    """Link the nominee to a volunteer account (or, with `None`, unlink them)."""
    check_unlocked(nomination.category)
    nomination.nominee_user_id = user.id if user is not None else None
    nomination.nominee_user = user
    action = "linked" if user is not None else "unlinked"
    add_history(nomination, action, actor)
    record_event(
        f"nomination.{action}", actor=actor, subject=nomination, user_id=user.id if user else None
    )


def set_outcome(nomination: Nomination, outcome: Outcome, actor: User) -> None:
    """Record a shortlisted nomination's outcome, while its category is open."""
    check_unlocked(nomination.category)
    if nomination.status != NominationStatus.SHORTLISTED:
        raise AwardsRefused("Only a shortlisted nomination can have an outcome.")
    nomination.outcome = outcome
    add_history(nomination, f"outcome {outcome}", actor)
    record_event("nomination.outcome", actor=actor, subject=nomination, outcome=str(outcome))


def lock_category(category: AwardCategory, actor: User) -> None:
    """Lock the category's results: scores, statuses and outcomes stop changing, and every
    shortlisted nomination without an outcome is recorded as shortlisted.

    Each outcome's certificate is issued then (`ceremony.issue_award_certificates`), kept
    from view until the cycle's results are published."""
    check_unlocked(category)
    shortlisted = list(
        db.session.scalars(
            select(Nomination).where(
                Nomination.category_id == category.id,
                Nomination.status == NominationStatus.SHORTLISTED,
            )
        )
    )
    if not shortlisted:
        raise AwardsRefused("Shortlist at least one nomination before locking the category.")
    for nomination in shortlisted:
        if nomination.outcome is None:
            nomination.outcome = Outcome.SHORTLISTED
            add_history(nomination, "outcome shortlisted", actor)
    category.locked_at = utcnow()
    category.locked_by_id = actor.id
    record_event("award_category.locked", actor=actor, subject=category)
    db.session.flush()
    issue_award_certificates(category)


def unlocked_count(cycle: AwardCycle) -> int:
    query = select(func.count()).where(
        AwardCategory.cycle_id == cycle.id, AwardCategory.locked_at.is_(None)
    )
    return db.session.scalar(query) or 0


def publish_results(cycle: AwardCycle, actor: User) -> None:
    """Make the cycle's results public, once every category is locked."""
    if cycle.published:
        raise AwardsRefused("These results are already published.")
    if not cycle.categories or unlocked_count(cycle):
        raise AwardsRefused("Lock every category before publishing the results.")
    cycle.results_published_at = utcnow()
    record_event("award_cycle.published", actor=actor, subject=cycle)
    release_award_certificates(cycle)
