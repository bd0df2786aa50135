"""Row locks that work alike on PostgreSQL and SQLite, for checks that must not race."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from .extensions import db


def lock_row(model: Any, row_id: int) -> None:
    """Hold the row until commit: a row lock on PostgreSQL, the write lock on SQLite. The
    update changes nothing, so two requests checking the same thing (free places, an existing
    booking) take turns. It sets `updated_at` to itself where there is one rather than the
    key: SQLite checks every foreign key that points at a key that is set, however unchanged,
    which at a million hours entries made locking a volunteer take over a second."""
    values: dict[str, Any] = (
        {"updated_at": model.updated_at} if hasattr(model, "updated_at") else {"id": model.id}
    )
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
