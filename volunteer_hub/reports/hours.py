"""Verified hours, the people who gave them and their social value, in total and by kind of
volunteering, area, organisation, kind of organisation and month.

Every figure is one SQL aggregate over `facts`: the rollup's rows for the period's whole
months and the approved entries of its part-months, each row carrying its value at the rate of
its slice (see `periods`). People are counted as distinct volunteers, so someone active in two
kinds of volunteering counts once in the total; erased volunteers keep their anonymous account
in the rollup, so they still count without being named anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Subquery, func, literal, select, union_all

from ..extensions import db
from ..hours.models import HoursEntry, HoursStatus, VolunteerMonthHours
from ..organisations.models import KIND_LABELS, Organisation, OrganisationKind
from ..reference.models import Category, Locality
from ..roles.models import Role
from .filters import ReportFilters, matching_roles
from .models import ValueRate
from .periods import slices

QUARTERS_PER_HOUR = 4


@dataclass(frozen=True)
class HoursFigure:
    """Hours (in quarter-hours), distinct volunteers and value (in pence) for one group."""

    key: str
    label: str
    quarters: int
    volunteers: int
    value_pence: int
    unvalued_quarters: int  # worked before the first rate: not valued

    @property
    def hours(self) -> float:
        return self.quarters / QUARTERS_PER_HOUR


def facts(filters: ReportFilters, rates: Sequence[ValueRate]) -> Subquery:
    """One row per rollup row or part-month entry in the period: volunteer, role, month,
    quarters, value (quarters x pence per hour) and quarters with no rate."""
    roles = matching_roles(filters)
    branches = []
    for part in slices(filters.start, filters.end, rates):
        pence = part.pence or 0
        unrated = 0 if part.pence is not None else 1
        if part.whole_months:
            source: Any = VolunteerMonthHours
            month: Any = VolunteerMonthHours.month
            where: list[Any] = [VolunteerMonthHours.month.between(part.start, part.end)]
        else:
            source = HoursEntry
            month = literal(part.start.replace(day=1), Date)
            where = [
                HoursEntry.status == HoursStatus.APPROVED,
                HoursEntry.worked_on.between(part.start, part.end),
            ]
        if roles is not None:
            where.append(source.role_id.in_(roles))
        branches.append(
            select(
                source.volunteer_id.label("volunteer_id"),
                source.role_id.label("role_id"),
                month.label("month"),
                source.quarters.label("quarters"),
                (source.quarters * pence).label("value"),
                (source.quarters * unrated).label("unvalued"),
            ).where(*where)
        )
    return union_all(*branches).subquery("facts")


def _figure(
    key: Any, label: str, quarters: Any, volunteers: Any, value: Any, unvalued: Any
) -> HoursFigure:
    return HoursFigure(
        key=str(key),
        label=label,
        quarters=int(quarters or 0),
        volunteers=int(volunteers or 0),
        value_pence=(int(value or 0) + QUARTERS_PER_HOUR // 2) // QUARTERS_PER_HOUR,
        unvalued_quarters=int(unvalued or 0),
    )


def _sums(table: Subquery) -> list[Any]:
    return [
        func.sum(table.c.quarters),
        func.count(table.c.volunteer_id.distinct()),
        func.sum(table.c.value),
        func.sum(table.c.unvalued),
    ]


def hours_total(table: Subquery) -> tuple[HoursFigure, int]:
    """The whole period's figure, and how many organisations' roles had verified hours."""
    row = db.session.execute(
        select(*_sums(table), func.count(Role.organisation_id.distinct())).join(
            Role, Role.id == table.c.role_id
        )
    ).one()
    return _figure("all", "All", *row[:4]), int(row[4] or 0)


def _grouped(table: Subquery, key: Any, label: Any, *joins: tuple[Any, Any]) -> list[Any]:
    query = select(key, label, *_sums(table)).select_from(table)
    for target, on in joins:
        query = query.join(target, on, isouter=target is Locality)
    total = func.sum(table.c.quarters)
    return list(db.session.execute(query.group_by(key, label).order_by(total.desc(), label)))


def _role(table: Subquery) -> tuple[Any, Any]:
    return Role, Role.id == table.c.role_id


def by_category(table: Subquery) -> list[HoursFigure]:
    rows = _grouped(
        table, Category.id, Category.name, _role(table), (Category, Category.id == Role.category_id)
    )
    return [_figure(row[0], row[1], *row[2:]) for row in rows]


def by_locality(table: Subquery) -> list[HoursFigure]:
    rows = _grouped(
        table, Locality.id, Locality.name, _role(table), (Locality, Locality.id == Role.locality_id)
    )
    return [
        _figure(row[0] or "none", row[1] or "No area (remote, or not set)", *row[2:])
        for row in rows
    ]


def by_organisation(table: Subquery) -> list[HoursFigure]:
    rows = _grouped(
        table,
        Organisation.slug,
        Organisation.name,
        _role(table),
        (Organisation, Organisation.id == Role.organisation_id),
    )
    return [_figure(row[0], row[1], *row[2:]) for row in rows]


def by_organisation_kind(table: Subquery) -> list[HoursFigure]:
    rows = _grouped(
        table,
        Organisation.kind,
        Organisation.kind,
        _role(table),
        (Organisation, Organisation.id == Role.organisation_id),
    )
    return [
        _figure(row[0], KIND_LABELS.get(OrganisationKind(row[0]), row[0]), *row[2:]) for row in rows
    ]


def by_month(table: Subquery, start: date, end: date) -> list[HoursFigure]:
    """Every month of the period in order, with nothing for a month with no hours."""
    rows = {
        row[0]: row
        for row in db.session.execute(select(table.c.month, *_sums(table)).group_by(table.c.month))
    }
    months = []
    month = start.replace(day=1)
    while month <= end:
        row = rows.get(month)
        sums = row[1:] if row is not None else (0, 0, 0, 0)
        months.append(_figure(month.isoformat(), month.strftime("%B %Y"), *sums))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months
