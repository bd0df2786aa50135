"""Rows as JSON-ready data, for the account export of each feature."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from .auth.models import User
from .extensions import db


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def columns(row: Any, names: list[str]) -> dict[str, Any]:
    return {name: plain(getattr(row, name)) for name in names}


def owned(model: Any, column: Any, user: User) -> list[Any]:
    return list(db.session.scalars(select(model).where(column == user.id).order_by(model.id)))
