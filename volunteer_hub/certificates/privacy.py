"""Certificates in the account export, and their erasure: an erased person's certificates
are revoked and their name blanked, so a code checked later confirms nothing about them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from ..auth.models import User
from ..database import utcnow
from ..exporting import columns
from ..extensions import db
from .models import Certificate

REVOKED_ON_ERASURE = "The holder's account was deleted."


def certificate_sections(user: User) -> dict[str, list[dict[str, Any]]]:
    theirs = Certificate.recipient_id == user.id
    certificates = db.session.scalars(  # an award's, once its results are published
        select(Certificate).where(theirs, Certificate.withheld.is_(False)).order_by(Certificate.id)
    )
    fields = ["code", "kind", "recipient_name", "title", "detail", "issued_on", "issuer"]
    return {
        "certificates": [
            columns(certificate, [*fields, "created_at", "revoked_at", "revoked_reason"])
            for certificate in certificates
        ]
    }


def erase_certificates(user: User) -> None:
    """Revoke every certificate of the person and blank the name, the details and what a
    record of service held."""
    theirs = Certificate.recipient_id == user.id
    db.session.execute(
        update(Certificate)
        .where(theirs, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=REVOKED_ON_ERASURE)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Certificate)
        .where(theirs)
        .values(recipient_name="", detail="", content=None)
        .execution_options(synchronize_session=False)
    )
