"""Issuing, finding and revoking certificates. Each kind is issued where its event happens:
a milestone when it is recorded (`hours.rollup`), a training certificate when a record of a
completed course is verified (`training`), an award when a category is locked (`awards`)."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import Select, insert, select, update

from ..audit.services import record_event
from ..auth.models import User
from ..clock import to_local
from ..database import utcnow
from ..extensions import db
from ..hours.models import Milestone
from ..training.models import Course, RecordStatus, TrainingRecord
from .models import Certificate, CertificateKind, new_code

NOT_ATTENDED = "The training register was corrected: the volunteer did not attend."


class RevokeRefused(Exception):
    """A revocation that cannot be made, with the reason in words."""


def issuer() -> str:
    return str(current_app.config["HUB_NAME"])


def milestone_title(hours: int) -> str:
    return f"{hours:,} hours of volunteering"


def training_title(course_title: str) -> str:
    return f"Training completed: {course_title}"


def milestone_detail(hours: int) -> str:
    return f"In thanks for {hours:,} verified hours given to the community."


def training_detail(completed_on: date) -> str:
    return f"Completed on {completed_on.day} {completed_on:%B %Y}."


def issue_for_milestone(milestone: Milestone, recipient: User) -> Certificate:
    """The certificate for a milestone just recorded (flushed, so it has an id)."""
    certificate = Certificate(
        kind=CertificateKind.MILESTONE,
        recipient_id=recipient.id,
        recipient_name=recipient.name,
        title=milestone_title(milestone.hours),
        detail=milestone_detail(milestone.hours),
        issued_on=to_local(milestone.reached_at).date(),
        issuer=issuer(),
        milestone_id=milestone.id,
    )
    db.session.add(certificate)
    return certificate


def issue_for_training(record: TrainingRecord) -> Certificate | None:
    """The certificate for a verified training record, once; `None` for a record with no
    volunteer (erased) or one that already has its certificate."""
    db.session.flush()
    if record.volunteer is None or record.status != RecordStatus.VERIFIED:
        return None
    exists = select(Certificate.id).where(Certificate.training_record_id == record.id)
    if db.session.scalar(exists) is not None:
        return None
    certificate = Certificate(
        kind=CertificateKind.TRAINING,
        recipient_id=record.volunteer.id,
        recipient_name=record.volunteer.name,
        title=training_title(record.course.title),
        detail=training_detail(record.completed_on),
        issued_on=record.completed_on,
        issuer=issuer(),
        training_record_id=record.id,
    )
    db.session.add(certificate)
    return certificate


def issue_missing() -> int:
    """Issue, in bulk, the certificates of every milestone and verified training record that
    has none; returns how many were issued."""
    return issue_missing_milestones() + issue_missing_training()


def issue_missing_milestones() -> int:
    """The certificates of milestones recorded in bulk (`hours.rollup.rebuild_rollups`)."""
    milestones = db.session.execute(
        select(Milestone.id, Milestone.hours, Milestone.reached_at, User.id, User.name)
        .join(User, User.id == Milestone.volunteer_id)
        .outerjoin(Certificate, Certificate.milestone_id == Milestone.id)
        .where(Certificate.id.is_(None), User.deleted_at.is_(None))
    ).all()
    rows = [
        _row(
            CertificateKind.MILESTONE,
            (user_id, name),
            milestone_title(hours),
            milestone_detail(hours),
            to_local(reached_at).date(),
            milestone_id=milestone_id,
        )
        for milestone_id, hours, reached_at, user_id, name in milestones
    ]
    return _insert(rows)


def issue_missing_training() -> int:
    """The certificates of verified training records loaded in bulk (demo data)."""
    records = db.session.execute(
        select(TrainingRecord.id, TrainingRecord.completed_on, Course.title, User.id, User.name)
        .join(Course, Course.id == TrainingRecord.course_id)
        .join(User, User.id == TrainingRecord.volunteer_id)
        .outerjoin(Certificate, Certificate.training_record_id == TrainingRecord.id)
        .where(
            Certificate.id.is_(None),
            TrainingRecord.status == RecordStatus.VERIFIED,
            User.deleted_at.is_(None),
        )
    ).all()
    rows = [
        _row(
            CertificateKind.TRAINING,
            (user_id, name),
            training_title(title),
            training_detail(completed_on),
            completed_on,
            training_record_id=record_id,
        )
        for record_id, completed_on, title, user_id, name in records
    ]
    return _insert(rows)


def _insert(rows: list[dict[str, object]]) -> int:
    if rows:
        db.session.execute(insert(Certificate), rows)
    return len(rows)


def _row(
    kind: CertificateKind,
    recipient: tuple[int, str],
    title: str,
    detail: str,
    issued_on: date,
    **source: int,
) -> dict[str, object]:
    return {
        "code": new_code(),
        "kind": kind,
        "recipient_id": recipient[0],
        "recipient_name": recipient[1],
        "title": title,
        "detail": detail,
        "issued_on": issued_on,
        "issuer": issuer(),
        "created_at": utcnow(),
        "revoked_reason": "",
        "milestone_id": None,
        "training_record_id": None,
        **source,
    }


def find_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 32:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def certificates_of(user: User) -> Select[Certificate]:
    """The person's certificates, newest first, revoked ones included (marked)."""
    return (
        select(Certificate)
        .where(Certificate.recipient_id == user.id, Certificate.withheld.is_(False))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )


def latest_certificates(user: User, limit: int) -> list[Certificate]:
    return list(db.session.scalars(certificates_of(user).limit(limit)))


def can_see(viewer: User | None, certificate: Certificate) -> bool:
    """Anyone may check a certificate by its code, except an award's before its results are
    published: until then only staff know of it."""
    return not certificate.withheld or (viewer is not None and viewer.is_staff)


def can_download(user: User, certificate: Certificate) -> bool:
    """The recipient (once it is published) and hub staff may download the PDF."""
    if user.is_staff:
        return True
    mine = certificate.recipient_id is not None and certificate.recipient_id == user.id
    return mine and not certificate.withheld


def revoke(certificate: Certificate, actor: User, reason: str) -> None:
    """Staff withdraw a certificate with a reason; its code then says it was revoked."""
    reason = reason.strip()
    if not reason:
        raise RevokeRefused("Enter the reason, so that anyone checking it is told why")
    revoked = db.session.execute(  # one conditional update: of two staff at once, one revokes
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not revoked:
        raise RevokeRefused("This certificate was already revoked.")
    db.session.refresh(certificate)
    record_event("certificate.revoked", actor=actor, subject=certificate, code=certificate.code)


def revoke_for_record(record: TrainingRecord, reason: str, actor: User | None) -> None:
    """A training record withdrawn (the register corrected) takes its certificate with it."""
    certificate = db.session.scalar(
        select(Certificate).where(
            Certificate.training_record_id == record.id, Certificate.revoked_at.is_(None)
        )
    )
    if certificate is not None:
        _revoke(certificate, reason, actor)
        record_event("certificate.revoked", actor=actor, subject=certificate, code=certificate.code)


def _revoke(certificate: Certificate, reason: str, actor: User | None) -> None:
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = actor.id if actor is not None else None
