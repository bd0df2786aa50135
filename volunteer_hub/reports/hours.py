"""Verified hours, the people who gave them and their social value, in total and by kind of
volunteering, area, organisation, kind of organisation and month.

The figures come from `facts`: the rollup's rows for the period's whole months and the
approved entries of its part-months, each row carrying its value at the rate of its slice (see
`periods`). The total and the groupings are one statement (`hours_figures`), the months
another. People are counted as distinct volunteers, so someone active in two kinds of
volunteering counts once in the total; erased volunteers keep their anonymous account
in the rollup, so they still count without being named anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CTE,
    Date,
    Integer,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)

from ..clock import add_months
from ..extensions import db
from ..hours.models import QUARTERS_PER_HOUR, HoursEntry, HoursStatus, VolunteerMonthHours
from ..organisations.models import KIND_LABELS, Organisation, OrganisationKind
from ..reference.models import Category, Locality
from ..roles.models import Role
from .filters import ReportFilters, matching_roles
from .models import ValueRate
from .periods import Step, slices


@dataclass(frozen=True)
class HoursFigure:
    """Hours (in quarter-hours), distinct volunteers and value (in pence) for one group."""

    key: str
    label: str
    quarters: int
    volunteers: int
    value_pence: int
    unvalued_quarters: int  # worked before the first rate: not valued


def _rated(quarters: Any, day: Any, steps: tuple[Step, ...]) -> tuple[Any, Any]:
    """The value (quarters x pence an hour) and the quarters with no rate, for rows worked on
    `day` under `steps`: the latest step begun by that day applies."""
    first = steps[0][1]
    if len(steps) == 1:
        return quarters * (first or 0), quarters * (0 if first is not None else 1)
    later_first = list(reversed(steps[1:]))
    pence = case(*((day >= begins, rate or 0) for begins, rate in later_first), else_=first or 0)
    unrated = case(
        *((day >= begins, 0 if rate is not None else 1) for begins, rate in later_first),
        else_=0 if first is not None else 1,
    )
    return quarters * pence, quarters * unrated


def branches(filters: ReportFilters, rates: Sequence[ValueRate]) -> list[Any]:
    """One statement per slice of the period, each giving a row per rollup row or entry:
    volunteer, role, month, quarters, value (quarters x pence an hour) and quarters with no
    rate. No two share a month."""
    roles = matching_roles(filters)
    result = []
    for part in slices(filters.start, filters.end, rates):
        if part.whole_months:
            source: Any = VolunteerMonthHours
            month: Any = VolunteerMonthHours.month
            day: Any = VolunteerMonthHours.month
            where: list[Any] = [
                VolunteerMonthHours.month.between(part.start, part.end),
                VolunteerMonthHours.quarters > 0,  # reversed hours leave a row at nought
            ]
        else:
            source, day = HoursEntry, HoursEntry.worked_on
            month = literal(part.start.replace(day=1), Date)
            where = [
                HoursEntry.status == HoursStatus.APPROVED,
                HoursEntry.worked_on.between(part.start, part.end),
            ]
        if roles is not None:
            where.append(source.role_id.in_(roles))
        value, unvalued = _rated(source.quarters, day, part.steps)
        result.append(
            select(
                source.volunteer_id.label("volunteer_id"),
                source.role_id.label("role_id"),
                month.label("month"),
                source.quarters.label("quarters"),
                value.label("value"),
                unvalued.label("unvalued"),
            ).where(*where)
        )
    return result


def facts(filters: ReportFilters, rates: Sequence[ValueRate]) -> Subquery:
    """Every slice's rows together."""
    return union_all(*branches(filters, rates)).subquery("facts")


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


@dataclass(frozen=True)
class HoursFigures:
    """The period's hours in total and by each grouping, largest first."""

    total: HoursFigure
    organisations_active: int
    by_category: list[HoursFigure] = field(default_factory=list)
    by_locality: list[HoursFigure] = field(default_factory=list)
    by_organisation: list[HoursFigure] = field(default_factory=list)
    by_organisation_kind: list[HoursFigure] = field(default_factory=list)


def _pairs(table: Subquery) -> CTE:
    """The facts summed per volunteer and role, with the role's groupings: a year of the
    rollup (hundreds of thousands of rows) becomes one row per volunteer and role, and every
    grouping reads that, once."""
    per_pair = (
        select(
            table.c.volunteer_id,
            table.c.role_id,
            func.sum(table.c.quarters).label("quarters"),
            func.sum(table.c.value).label("value"),
            func.sum(table.c.unvalued).label("unvalued"),
        )
        .group_by(table.c.volunteer_id, table.c.role_id)
        .subquery("per_pair")
    )
    return (
        select(
            per_pair.c.volunteer_id,
            per_pair.c.quarters,
            per_pair.c.value,
            per_pair.c.unvalued,
            Role.category_id,
            Role.locality_id,
            Role.organisation_id,
            Organisation.kind,
        )
        .join(Role, Role.id == per_pair.c.role_id)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .cte("pairs")
    )


def _branch(pairs: CTE, grouping: str, key: Any, label: Any, *joins: Any) -> Any:
    """One grouping's rows: its name, the group's key and label, and its sums."""
    query = select(
        literal(grouping).label("grouping"),
        cast(key, String).label("key"),
        cast(label, String).label("label"),
        func.sum(pairs.c.quarters),
        func.count(pairs.c.volunteer_id.distinct()),
        func.sum(pairs.c.value),
        func.sum(pairs.c.unvalued),
        literal(None, Integer).label("organisations"),
    ).select_from(pairs)
    for target, on in joins:
        query = query.outerjoin(target, on)
    return query.group_by(key, label)


def _total(pairs: CTE) -> Any:
    return select(
        literal("total").label("grouping"),
        literal("all").label("key"),
        literal("All").label("label"),
        func.sum(pairs.c.quarters),
        func.count(pairs.c.volunteer_id.distinct()),
        func.sum(pairs.c.value),
        func.sum(pairs.c.unvalued),
        func.count(pairs.c.organisation_id.distinct()).label("organisations"),
    ).select_from(pairs)


def _groupings(pairs: CTE) -> list[Any]:
    return [
        _branch(
            pairs,
            "category",
            Category.id,
            Category.name,
            (Category, Category.id == pairs.c.category_id),
        ),
        _branch(
            pairs,
            "locality",
            Locality.id,
            Locality.name,
            (Locality, Locality.id == pairs.c.locality_id),
        ),
        _branch(
            pairs,
            "organisation",
            Organisation.slug,
            Organisation.name,
            (Organisation, Organisation.id == pairs.c.organisation_id),
        ),
        _branch(pairs, "kind", pairs.c.kind, pairs.c.kind),
    ]


def _label(grouping: str, key: str | None, label: str | None) -> tuple[str, str]:
    if grouping == "locality" and key is None:
        return "none", "No area (remote, or not set)"
    if grouping == "kind" and key is not None:
        return key, KIND_LABELS.get(OrganisationKind(key), key)
    return key or "", label or ""


def hours_figures(table: Subquery, *, breakdowns: bool = True) -> HoursFigures:
    """The total and (with `breakdowns`) every grouping, in one statement."""
    pairs = _pairs(table)
    branches = [_total(pairs), *(_groupings(pairs) if breakdowns else [])]
    grouped: dict[str, list[HoursFigure]] = {}
    organisations = 0
    for grouping, key, label, *sums, active in db.session.execute(union_all(*branches)):
        if grouping == "total":
            organisations = int(active or 0)
        key, label = _label(grouping, key, label)
        grouped.setdefault(grouping, []).append(_figure(key, label, *sums))
    for figures in grouped.values():
        figures.sort(key=lambda figure: (-figure.quarters, figure.label))
    return HoursFigures(
        total=grouped["total"][0],
        organisations_active=organisations,
        by_category=grouped.get("category", []),
        by_locality=grouped.get("locality", []),
        by_organisation=grouped.get("organisation", []),
        by_organisation_kind=grouped.get("kind", []),
    )


def _sums(table: Any) -> list[Any]:
    return [
        func.sum(table.c.quarters),
        func.count(table.c.volunteer_id.distinct()),
        func.sum(table.c.value),
        func.sum(table.c.unvalued),
    ]


def by_month(filters: ReportFilters, rates: Sequence[ValueRate]) -> list[HoursFigure]:
    """Every month of the period in order, with nothing for a month with no hours. Each slice
    is grouped by month on its own (no two share a month), so a run of whole months is read
    in the order of the rollup's month index."""
    grouped = []
    for branch in branches(filters, rates):
        rows = branch.subquery()
        grouped.append(select(rows.c.month, *_sums(rows)).group_by(rows.c.month))
    found = {row[0]: row for row in db.session.execute(union_all(*grouped))}
    months = []
    month = filters.start.replace(day=1)
    while month <= filters.end:
        row = found.get(month)
        totals = row[1:] if row is not None else (0, 0, 0, 0)
        months.append(_figure(month.isoformat(), month.strftime("%B %Y"), *totals))
        month = add_months(month, 1)
    return months
