"""The questions a role's organisation asks every applicant (up to five)."""

from __future__ import annotations

from sqlalchemy import delete, select

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from ..roles.models import Role
from .models import MAX_QUESTIONS, RoleQuestion


def questions_of(role: Role) -> list[RoleQuestion]:
    return list(
        db.session.scalars(
            select(RoleQuestion)
            .where(RoleQuestion.role_id == role.id)
            .order_by(RoleQuestion.position)
        )
    )


def set_questions(role: Role, texts: list[str], actor: User) -> bool:
    """The role's questions for applicants, up to five, in order; blanks are dropped.
    Applications already made keep the questions they answered. False when unchanged."""
    wanted = [text.strip() for text in texts if text.strip()][:MAX_QUESTIONS]
    if wanted == [question.text for question in questions_of(role)]:
        return False
    db.session.execute(
        delete(RoleQuestion)
        .where(RoleQuestion.role_id == role.id)
        .execution_options(synchronize_session=False)
    )
    db.session.add_all(
        RoleQuestion(role_id=role.id, position=n, text=text) for n, text in enumerate(wanted, 1)
    )
    record_event("role.questions_changed", actor=actor, subject=role, count=len(wanted))
    return True
