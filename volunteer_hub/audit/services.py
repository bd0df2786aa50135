"""Recording audit events."""

from __future__ import annotations

from typing import Any

from ..auth.models import User
from ..extensions import db
from .models import AuditEvent


def record_event(
    action: str,
    *,
    actor: User | None = None,
    subject: Any = None,
    ip_address: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits with its action.

    `subject` is any model instance with an integer `id`; `detail` must hold ids, codes and
    reasons only, so that erasing a person never has to rewrite the trail.
    """
    if subject is not None and subject.id is None:
        db.session.flush()
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        detail=detail,
        ip_address=ip_address,
    )
    db.session.add(event)
    return event
