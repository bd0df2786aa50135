"""Role rules: writing a role, the moderation status machine, and who may see or change it."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from dataclasses import field as dataclass_field
from datetime import date

from slugify import slugify
from sqlalchemy import Select, func, select

from ..audit.services import record_event
from ..auth.models import User
from ..clock import local_today
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..organisations.models import Organisation, OrganisationStatus
from ..organisations.services import can_coordinate, managers
from ..periods import PERIOD_SLUGS
from ..reference.models import Concept, Skill
from ..training.models import Course
from ..urls import external_url
from .models import ROLE_TRANSITIONS, Role, RolePeriod, RoleStatus
from .search import refresh_search_entry

# Changing any of these on a published role sends it back to hub staff for review: they
# decide who may safely apply. Wording changes do not.
REVIEWED_FIELDS = frozenset(
    {
        "minimum_age",
        "dbs_level",
        "requirement_ids",
        "course_ids",
        "groups_welcome",
        "max_group_size",
        "decided_by",
        "attendance",  # remote befriending and home visits carry different risks
    }
)


@dataclass(frozen=True)
class RoleDetails:
    title: str
    summary: str
    description: str
    category_id: int
    locality_id: int | None
    attendance: str
    address: str
    postcode: str | None
    commitment: str
    commitment_text: str
    periods: list[str]
    starts_on: date | None
    ends_on: date | None
    apply_by: date | None
    places: int
    minimum_age: int | None
    dbs_level: str | None
    skill_ids: list[int]
    cause_ids: list[int]
    requirement_ids: list[int]
    reward_ids: list[int]
    accessibility_ids: list[int]
    accessibility_notes: str
    groups_welcome: bool
    max_group_size: int | None
    decided_by: str
    course_ids: list[int] = dataclass_field(default_factory=list)


def details_of(role: Role) -> RoleDetails:
    """A role's current details, in the shape the form and `save_role` use."""
    concept_ids = {scheme: [c.id for c in role.concepts_in(scheme)] for scheme in SCHEMES}
    return RoleDetails(
        title=role.title,
        summary=role.summary,
        description=role.description,
        category_id=role.category_id,
        locality_id=role.locality_id,
        attendance=role.attendance,
        address=role.address,
        postcode=role.postcode,
        commitment=role.commitment,
        commitment_text=role.commitment_text,
        periods=sorted(role.period_slugs),
        starts_on=role.starts_on,
        ends_on=role.ends_on,
        apply_by=role.apply_by,
        places=role.places,
        minimum_age=role.minimum_age,
        dbs_level=role.dbs_level,
        skill_ids=[skill.id for skill in role.skills],
        cause_ids=concept_ids["cause"],
        requirement_ids=concept_ids["requirement"],
        reward_ids=concept_ids["reward"],
        accessibility_ids=concept_ids["accessibility"],
        accessibility_notes=role.accessibility_notes,
        groups_welcome=role.groups_welcome,
        max_group_size=role.max_group_size,
        decided_by=role.decided_by,
        course_ids=[course.id for course in role.required_courses],
    )


SCHEMES = ("cause", "requirement", "reward", "accessibility")


def unique_slug(title: str, organisation: Organisation) -> str:
    base = slugify(f"{title} {organisation.name}", max_length=120) or "role"
    slug, number = base, 2
    while db.session.scalar(select(func.count()).select_from(Role).where(Role.slug == slug)):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _apply(role: Role, details: RoleDetails) -> None:
    for field in fields(RoleDetails):
        if field.name.endswith("_ids") or field.name == "periods":
            continue
        value = getattr(details, field.name)
        setattr(role, field.name, value.strip() if isinstance(value, str) else value)
    role.max_group_size = details.max_group_size if details.groups_welcome else None
    role.skills = list(db.session.scalars(select(Skill).where(Skill.id.in_(details.skill_ids))))
    wanted = {scheme: set(getattr(details, f"{scheme}_ids")) for scheme in SCHEMES}
    candidates = db.session.scalars(
        select(Concept).where(Concept.id.in_(set().union(*wanted.values())))
    )
    role.concepts = [c for c in candidates if c.id in wanted.get(c.scheme, set())]
    role.required_courses = list(
        db.session.scalars(
            select(Course).where(Course.id.in_(details.course_ids)).order_by(Course.title)
        )
    )
    periods = set(details.periods) & PERIOD_SLUGS
    role.periods = [p for p in role.periods if p.period in periods] + [
        RolePeriod(period=slug) for slug in sorted(periods - role.period_slugs)
    ]


def create_role(organisation: Organisation, details: RoleDetails, author: User) -> Role:
    """A draft role of an approved organisation (staff may write for any organisation)."""
    if organisation.status != OrganisationStatus.APPROVED:
        raise RoleRefused("Roles can be added once the hub has approved the organisation.")
    role = Role(
        organisation=organisation,
        slug=unique_slug(details.title, organisation),
        status=RoleStatus.DRAFT,
        created_by_id=author.id,
    )
    db.session.add(role)
    _apply(role, normalised(details))
    db.session.flush()
    refresh_search_entry(role)
    record_event("role.created", actor=author, subject=role, organisation_id=organisation.id)
    return role


def normalised(details: RoleDetails) -> RoleDetails:
    """The details as they will be stored: trimmed text, ids in order and without repeats,
    no address for a remote role, no group size unless groups are welcome."""
    remote = details.attendance == "remote"
    return replace(
        details,
        title=details.title.strip(),
        summary=details.summary.strip(),
        description=details.description.strip(),
        address="" if remote else details.address.strip(),
        postcode=None if remote else (details.postcode or None),
        commitment_text=details.commitment_text.strip(),
        accessibility_notes=details.accessibility_notes.strip(),
        periods=sorted(set(details.periods) & PERIOD_SLUGS),
        skill_ids=sorted(set(details.skill_ids)),
        cause_ids=sorted(set(details.cause_ids)),
        requirement_ids=sorted(set(details.requirement_ids)),
        reward_ids=sorted(set(details.reward_ids)),
        accessibility_ids=sorted(set(details.accessibility_ids)),
        course_ids=sorted(set(details.course_ids)),
        max_group_size=details.max_group_size if details.groups_welcome else None,
    )


def update_role(role: Role, details: RoleDetails, author: User) -> bool:
    """Save changes; True when a published role went back to review because of them.

    Saving also counts as the organisation having reviewed the advert (the six-monthly
    reminder starts again). Staff edits never send a role back: staff are the reviewers.
    """
    before, after = normalised(details_of(role)), normalised(details)
    changed = {
        f.name for f in fields(RoleDetails) if getattr(before, f.name) != getattr(after, f.name)
    }
    _apply(role, after)
    role.reviewed_by_organisation_at = utcnow()
    db.session.flush()
    refresh_search_entry(role)
    record_event("role.updated", actor=author, subject=role, fields=sorted(changed))
    if role.status == RoleStatus.PUBLISHED and changed & REVIEWED_FIELDS and not author.is_staff:
        transition(role, RoleStatus.PENDING_REVIEW, author, "Safeguarding details changed.")
        return True
    return False


class RoleRefused(Exception):
    """A change to a role the rules do not allow; the message is safe to show."""


class CommentNeeded(RoleRefused):
    """The decision needs a comment for the organisation."""


MOVE_WORDS = {
    RoleStatus.DRAFT: "made a draft again",
    RoleStatus.PENDING_REVIEW: "sent for review",
    RoleStatus.CHANGES_REQUESTED: "sent back for changes",
    RoleStatus.PUBLISHED: "published",
    RoleStatus.REJECTED: "rejected",
    RoleStatus.CLOSED: "closed",
    RoleStatus.ARCHIVED: "archived",
}
STAFF_ONLY = frozenset({RoleStatus.PUBLISHED, RoleStatus.CHANGES_REQUESTED, RoleStatus.REJECTED})
NEEDS_COMMENT = frozenset({RoleStatus.CHANGES_REQUESTED, RoleStatus.REJECTED})


def transition(role: Role, new: RoleStatus, actor: User | None, comment: str = "") -> None:
    """Move a role along its status machine; audited, and the organisation is emailed of
    staff decisions. `actor` None is the hub's scheduler, which may not make staff decisions.

    The role's row is read again under a lock (PostgreSQL), so two decisions made at the same
    moment are taken one after the other and the second sees the first's result.
    """
    db.session.refresh(role, with_for_update=True)
    current = RoleStatus(role.status)
    if new not in ROLE_TRANSITIONS[current]:
        raise RoleRefused(
            f"A role that is {role.status_label.lower()} cannot be {MOVE_WORDS[new]}."
        )
    is_staff = actor is not None and actor.is_staff
    if new in STAFF_ONLY and not is_staff:
        raise RoleRefused("Only hub staff can publish a role, ask for changes or reject it.")
    if new in NEEDS_COMMENT and not comment.strip():
        raise CommentNeeded("Write a comment for the organisation: they will see it.")
    role.status = new
    role.status_comment = comment.strip()
    if new == RoleStatus.PUBLISHED:
        role.published_at = utcnow()
        role.reviewed_by_organisation_at = utcnow()
    record_event(
        f"role.{new}",
        actor=actor,
        subject=role,
        previous=str(current),
        comment=comment.strip(),
        automatic=actor is None,
    )
    if is_staff and new in STAFF_ONLY:
        _tell_organisation(role)


def _tell_organisation(role: Role) -> None:
    for member in managers(role.organisation):
        queue_email(
            member.email,
            "role_status",
            recipient_id=member.id,
            name=member.name,
            role=role.title,
            status=role.status_label,
            comment=role.status_comment,
            url=external_url("roles.manage", slug=role.slug),
        )


# The buttons of the role's management page: each names the status it moves the role to,
# and `submit` and `reopen` the statuses they start from (both lead to review).
ACTIONS: dict[str, RoleStatus] = {
    "submit": RoleStatus.PENDING_REVIEW,
    "close": RoleStatus.CLOSED,
    "reopen": RoleStatus.PENDING_REVIEW,
    "archive": RoleStatus.ARCHIVED,
    "publish": RoleStatus.PUBLISHED,
    "request_changes": RoleStatus.CHANGES_REQUESTED,
    "reject": RoleStatus.REJECTED,
}
ACTION_SOURCES = {
    "submit": frozenset({RoleStatus.DRAFT, RoleStatus.CHANGES_REQUESTED}),
    "reopen": frozenset({RoleStatus.CLOSED}),
}
WRONG_SOURCE = {
    "submit": "Only a draft, or a role the hub asked to change, can be sent for review.",
    "reopen": "Only a closed role can be reopened.",
}
# Moves that put a role in front of volunteers (again): refused once its dates have passed.
NEEDS_CURRENT_DATES = frozenset({"submit", "reopen", "publish"})


def allowed_actions(role: Role, user: User) -> list[str]:
    """The actions `user` may take on the role now, in the order of ACTIONS."""
    current = RoleStatus(role.status)
    return [
        name
        for name, target in ACTIONS.items()
        if target in ROLE_TRANSITIONS[current]
        and current in ACTION_SOURCES.get(name, frozenset({current}))
        and (user.is_staff or target not in STAFF_ONLY)
    ]


def has_finished(role: Role, today: date) -> bool:
    """Its application deadline or end date is before `today`."""
    return any(day is not None and day < today for day in (role.apply_by, role.ends_on))


def take_action(
    role: Role, action: str, actor: User, comment: str = "", seen: str | None = None
) -> None:
    """Apply a button of the management page; refused with a reason the person can act on.

    `seen` is the version (`updated_at`) of the role the person was looking at: a staff
    decision on a role edited since then is refused, so nobody publishes words they never read.
    """
    if action not in ACTIONS:
        raise RoleRefused("Choose what to do with the role.")
    if ACTIONS[action] in STAFF_ONLY and seen is not None and seen != version_of(role):
        raise RoleRefused(
            "The organisation changed this role while you were reading it. "
            "Read it again before you decide."
        )
    current = RoleStatus(role.status)
    if current not in ACTION_SOURCES.get(action, frozenset({current})):
        raise RoleRefused(WRONG_SOURCE[action])
    if action in NEEDS_CURRENT_DATES and has_finished(role, local_today()):
        raise RoleRefused("The role's closing date or end date has passed: edit the dates first.")
    transition(role, ACTIONS[action], actor, comment)


def version_of(role: Role) -> str:
    """A stamp of the role's last change, for `take_action`'s `seen`."""
    return role.updated_at.isoformat()


def confirm_current(role: Role, actor: User) -> None:
    """The organisation says the published advert is still right: the six months restart."""
    if role.status != RoleStatus.PUBLISHED:
        raise RoleRefused("Only a published role can be confirmed as up to date.")
    role.reviewed_by_organisation_at = utcnow()
    record_event("role.confirmed_current", actor=actor, subject=role)


def can_view(user: User | None, role: Role) -> bool:
    """Published roles are public; any other state only for its organisation and staff."""
    return role.status == RoleStatus.PUBLISHED or can_coordinate(user, role.organisation)


def can_edit(user: User | None, role: Role) -> bool:
    editable = role.status not in (RoleStatus.REJECTED, RoleStatus.ARCHIVED)
    return editable and can_coordinate(user, role.organisation)


def published_roles() -> Select[Role]:
    """The roles the public may see: published, of an approved organisation."""
    return (
        select(Role)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .where(
            Role.status == RoleStatus.PUBLISHED, Organisation.status == OrganisationStatus.APPROVED
        )
    )


def roles_of(organisation: Organisation) -> list[Role]:
    """Every role of the organisation, newest first (its coordinators' list)."""
    return list(
        db.session.scalars(
            select(Role)
            .where(Role.organisation_id == organisation.id)
            .order_by(Role.created_at.desc(), Role.id.desc())
        )
    )
