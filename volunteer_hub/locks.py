"""Row locks that work alike on PostgreSQL and SQLite, for checks that must not race."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from .extensions import db


def lock_row(model: Any, row_id: int) -> None:
    """Hold the row until commit: a row lock on PostgreSQL, the write lock on SQLite. The
    update changes nothing, `updated_at` included, so two requests checking the same thing
    (free places, an existing booking) take turns."""
    values: dict[str, Any] = {"id": model.id}
    if hasattr(model, "updated_at"):
        values["updated_at"] = model.updated_at
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(values)
        .execution_options(synchronize_session=False)
    )
