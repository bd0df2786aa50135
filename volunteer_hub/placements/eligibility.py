"""Whether a volunteer may apply to a role: small checks, each answering in plain words.

Age, the DBS check and the closing date block an application; availability only warns.
(Required training, which blocks approval rather than applying, comes with the training
feature.) Each check returns a `Requirement`, met or not, with what to do next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..clock import age_on
from ..extensions import db
from ..reference.settings import setting_int
from ..roles.models import Role
from ..roles.page import dbs_words, period_words
from ..volunteers.models import Check, CheckKind, CheckLevel
from ..volunteers.services import renewal_date


@dataclass(frozen=True)
class Requirement:
    """One thing a role asks for: whether the volunteer meets it, in words they can act on.
    `met` None means not yet known; a `blocking` requirement not met stops the application."""

    what: str
    met: bool | None
    detail: str
    blocking: bool = True

    @property
    def stops_application(self) -> bool:
        return self.blocking and self.met is not True


# Which levels of check satisfy each level a role may need: a higher check covers a lower one,
# and a barred-list check only covers the list(s) it was made against.
ENHANCED_OR_ABOVE = frozenset(
    {
        CheckLevel.ENHANCED,
        CheckLevel.ENHANCED_BARRED_CHILDREN,
        CheckLevel.ENHANCED_BARRED_ADULTS,
        CheckLevel.ENHANCED_BARRED_BOTH,
    }
)
SATISFIES: dict[CheckLevel, frozenset[CheckLevel]] = {
    CheckLevel.BASIC: frozenset(CheckLevel),
    CheckLevel.STANDARD: ENHANCED_OR_ABOVE | {CheckLevel.STANDARD},
    CheckLevel.ENHANCED: ENHANCED_OR_ABOVE,
    CheckLevel.ENHANCED_BARRED_CHILDREN: frozenset(
        {CheckLevel.ENHANCED_BARRED_CHILDREN, CheckLevel.ENHANCED_BARRED_BOTH}
    ),
    CheckLevel.ENHANCED_BARRED_ADULTS: frozenset(
        {CheckLevel.ENHANCED_BARRED_ADULTS, CheckLevel.ENHANCED_BARRED_BOTH}
    ),
    CheckLevel.ENHANCED_BARRED_BOTH: frozenset({CheckLevel.ENHANCED_BARRED_BOTH}),
}


@dataclass(frozen=True)
class DbsStanding:
    """All a coordinator may know of a volunteer's checks: whether one meets the role's
    requirement, and until when it counts (None: the role needs no check)."""

    meets: bool
    valid_until: date | None = None


def dbs_standing(volunteer: User, role: Role, today: date) -> DbsStanding:
    """Whether one of the volunteer's DBS checks covers the role's level and is not due for
    renewal under the hub's re-check policy; the latest-lasting such check's renewal date."""
    return dbs_standings([volunteer.id], role, today)[volunteer.id]


def dbs_standings(volunteer_ids: list[int], role: Role, today: date) -> dict[int, DbsStanding]:
    """`dbs_standing` of many volunteers, in one statement."""
    if not role.dbs_level:
        return dict.fromkeys(volunteer_ids, DbsStanding(True))
    accepted = SATISFIES.get(CheckLevel(role.dbs_level), frozenset())
    months = setting_int("dbs_recheck_months")
    dues: dict[int, list[date]] = {volunteer_id: [] for volunteer_id in volunteer_ids}
    checks = db.session.scalars(
        select(Check).where(
            Check.volunteer_id.in_(volunteer_ids),
            Check.kind == CheckKind.DBS,
            Check.level.in_(accepted),
        )
    )
    for check in checks:
        due = renewal_date(check, months)
        if due >= today:
            dues[check.volunteer_id].append(due)
    return {
        volunteer_id: DbsStanding(True, max(found)) if found else DbsStanding(False)
        for volunteer_id, found in dues.items()
    }


def _age(volunteer: User, role: Role, today: date) -> Requirement | None:
    if role.minimum_age is None:
        return None
    what = f"Aged {role.minimum_age} or over"
    born = volunteer.profile.date_of_birth if volunteer.profile else None
    if born is None:
        return Requirement(
            what,
            None,
            "We do not know your age yet. Add your date of birth to your profile, then apply.",
        )
    if age_on(born, today) < role.minimum_age:
        return Requirement(
            what,
            False,
            f"This role is for people aged {role.minimum_age} or over. "
            "Search for roles open to younger volunteers.",
        )
    return Requirement(what, True, "You meet the minimum age.")


def _dbs(volunteer: User, role: Role, today: date) -> Requirement | None:
    words = dbs_words(role)
    if words is None:
        return None
    what = f"A DBS check: {words.lower()}"
    if dbs_standing(volunteer, role, today).meets:
        return Requirement(what, True, "The hub holds a check that meets this.")
    contact = current_app.config["HUB_CONTACT_EMAIL"]
    return Requirement(
        what,
        False,
        "The hub does not hold a current check at this level for you. DBS checks are free "
        f"for volunteers: email {contact} and hub staff will arrange one. You can apply once "
        "it is recorded.",
    )


def _deadline(volunteer: User, role: Role, today: date) -> Requirement | None:
    if role.apply_by is None:
        return None
    what = "Applications open"
    if role.apply_by < today:
        return Requirement(
            what, False, "The closing date has passed. Search for other roles like this one."
        )
    return Requirement(what, True, f"Apply by {role.apply_by:%-d %B %Y}.")


def _availability(volunteer: User, role: Role, today: date) -> Requirement | None:
    wanted = role.period_slugs
    free = volunteer.profile.period_slugs if volunteer.profile else set()
    if not wanted or not free:
        return None
    when = ", ".join(period_words(role))
    if wanted & free:
        return Requirement("Your availability", True, f"The role needs {when}.", blocking=False)
    return Requirement(
        "Your availability",
        False,
        f"The role needs {when}, which your profile does not list. You can still apply: "
        "say in your note when you could help.",
        blocking=False,
    )


CHECKS: tuple[Callable[[User, Role, date], Requirement | None], ...] = (
    _age,
    _dbs,
    _deadline,
    _availability,
)


def requirements(volunteer: User, role: Role, today: date) -> list[Requirement]:
    """Each thing the role asks for that applies to it, met or not."""
    return [found for check in CHECKS if (found := check(volunteer, role, today)) is not None]
