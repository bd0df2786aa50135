"""What a report covers: a period, and the roles it counts (by kind of volunteering, area,
organisation and kind of organisation). Every figure of a report reads the same filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from ..organisations.models import Organisation
from ..roles.models import Role


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date
    category_id: int | None = None
    locality_id: int | None = None
    organisation_id: int | None = None
    organisation_kind: str | None = None

    @property
    def limits_roles(self) -> bool:
        return any(
            value is not None
            for value in (
                self.category_id,
                self.locality_id,
                self.organisation_id,
                self.organisation_kind,
            )
        )


def matching_roles(filters: ReportFilters) -> Select[Any] | None:
    """The ids of the roles the filters keep, or None when they keep every role."""
    if not filters.limits_roles:
        return None
    query = select(Role.id)
    if filters.organisation_kind is not None:
        query = query.join(Organisation, Organisation.id == Role.organisation_id).where(
            Organisation.kind == filters.organisation_kind
        )
    if filters.organisation_id is not None:
        query = query.where(Role.organisation_id == filters.organisation_id)
    if filters.category_id is not None:
        query = query.where(Role.category_id == filters.category_id)
    if filters.locality_id is not None:
        query = query.where(Role.locality_id == filters.locality_id)
    return query
