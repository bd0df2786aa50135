"""A volunteer's record of service: their roles and dates, verified hours by year, training,
milestones and awards, fixed when issued (the certificate keeps it, and the PDF is drawn
from that). Its code confirms whose record it is, when it was issued and its summary line.
For job and college applications."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..clock import local_date
from ..extensions import db
from ..hours.models import Milestone, VolunteerMonthHours, hours_words
from ..placements.models import Placement, PlacementEvent, PlacementStatus
from ..roles.models import Role
from ..training.models import Course, RecordStatus, TrainingRecord
from .models import Certificate, CertificateKind
from .services import issuer

SERVED = (PlacementStatus.APPROVED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)
TITLE = "Record of volunteering"


def record_content(user: User) -> dict[str, Any]:
    """What the record says, as plain JSON-ready data."""
    years = _hours_by_year(user)
    total = sum(quarters for _, quarters in years)
    return {
        "roles": _roles(user),
        "hours_by_year": [{"year": year, "hours": hours_words(q)} for year, q in years],
        "total_hours": hours_words(total),
        "total_quarters": total,
        "training": _training(user),
        "milestones": [
            {"hours": hours, "reached_on": local_date(reached_at).isoformat()}
            for hours, reached_at in db.session.execute(
                select(Milestone.hours, Milestone.reached_at)
                .where(Milestone.volunteer_id == user.id)
                .order_by(Milestone.hours)
            )
        ],
        "awards": [
            {"title": title, "issued_on": issued_on.isoformat()}
            for title, issued_on in db.session.execute(
                select(Certificate.title, Certificate.issued_on)
                .where(
                    Certificate.recipient_id == user.id,
                    Certificate.kind == CertificateKind.AWARD,
                    Certificate.revoked_at.is_(None),
                    Certificate.withheld.is_(False),
                )
                .order_by(Certificate.issued_on)
            )
        ],
    }


def issue_service_record(user: User, today: date) -> Certificate:
    """The person's record as it stands: today's if nothing changed since, else a new one."""
    content = record_content(user)
    latest = db.session.scalar(
        select(Certificate)
        .where(
            Certificate.recipient_id == user.id,
            Certificate.kind == CertificateKind.SERVICE,
            Certificate.issued_on == today,
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.id.desc())
        .limit(1)
    )
    if latest is not None and latest.content == content:
        return latest
    roles = len({role["organisation"] for role in content["roles"]})
    certificate = Certificate(
        kind=CertificateKind.SERVICE,
        recipient_id=user.id,
        recipient_name=user.name,
        title=TITLE,
        detail=f"{content['total_hours']} verified, with {roles} "
        f"{'organisation' if roles == 1 else 'organisations'}.",
        issued_on=today,
        issuer=issuer(),
        content=content,
    )
    db.session.add(certificate)
    return certificate


def _roles(user: User) -> list[dict[str, Any]]:
    approved = (
        select(PlacementEvent.placement_id, func.min(PlacementEvent.created_at).label("at"))
        .where(PlacementEvent.status == PlacementStatus.APPROVED)
        .group_by(PlacementEvent.placement_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Placement, approved.c.at)
        .outerjoin(approved, approved.c.placement_id == Placement.id)
        .where(Placement.volunteer_id == user.id, Placement.status.in_(SERVED))
        .options(joinedload(Placement.role).joinedload(Role.organisation))
        .order_by(approved.c.at, Placement.id)
    ).all()
    return [
        {
            "role": placement.role.title,
            "organisation": placement.role.organisation.name,
            "from": local_date(at or placement.decided_at or placement.created_at).isoformat(),
            "to": (
                local_date(placement.status_changed_at).isoformat()
                if placement.status == PlacementStatus.ENDED
                else None
            ),
        }
        for placement, at in rows
    ]


def _hours_by_year(user: User) -> list[tuple[int, int]]:
    """Verified quarter-hours in each calendar year, oldest first, summed from the rollup."""
    by_year: dict[int, int] = {}
    for month, quarters in db.session.execute(
        select(VolunteerMonthHours.month, func.sum(VolunteerMonthHours.quarters))
        .where(VolunteerMonthHours.volunteer_id == user.id)
        .group_by(VolunteerMonthHours.month)
    ):
        by_year[month.year] = by_year.get(month.year, 0) + int(quarters)
    return sorted((year, quarters) for year, quarters in by_year.items() if quarters)


def _training(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Course.title, TrainingRecord.completed_on, TrainingRecord.expires_on)
        .join(Course, Course.id == TrainingRecord.course_id)
        .where(
            TrainingRecord.volunteer_id == user.id,
            TrainingRecord.status == RecordStatus.VERIFIED,
        )
        .order_by(TrainingRecord.completed_on, Course.title)
    )
    return [
        {
            "course": title,
            "completed_on": completed_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        }
        for title, completed_on, expires_on in rows
    ]
