"""The impact report: every figure for a period and filters, and its tables, which the page,
the CSV files and the PDF all draw from (so a download always matches the page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import text

from ..extensions import db
from ..hours.exports import decimal_hours
from . import activity, hours
from .activity import Count, Funnel
from .filters import ReportFilters
from .hours import HoursFigure
from .models import ValueRate
from .rates import all_rates, in_force

TOP_ORGANISATIONS = 20  # rows of the organisation table on the page and in the PDF


@dataclass(frozen=True)
class ImpactReport:
    filters: ReportFilters
    for_organisation: bool  # a coordinator's report: hub-wide sign-ups are left out
    rates: list[ValueRate]  # the rates in force at some time in the period, oldest first
    total: HoursFigure
    organisations_active: int
    by_category: list[HoursFigure]
    by_locality: list[HoursFigure]
    by_organisation: list[HoursFigure]
    by_organisation_kind: list[HoursFigure]
    by_month: list[HoursFigure]
    new_volunteers: list[Count] | None
    funnel: Funnel
    placements_started: int
    training: list[Count]

    @property
    def new_volunteer_total(self) -> int | None:
        return None if self.new_volunteers is None else activity.total(self.new_volunteers)

    @property
    def training_total(self) -> int:
        return activity.total(self.training)


def rates_in(filters: ReportFilters, rates: list[ValueRate]) -> list[ValueRate]:
    first = in_force(rates, filters.start)
    later = [rate for rate in rates if filters.start < rate.valid_from <= filters.end]
    return ([first] if first is not None else []) + later


def _room_to_sort() -> None:
    """Let PostgreSQL sort and hash a year of rows in memory rather than on disk (its default
    allows 4 MB), for this transaction only."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def build_report(
    filters: ReportFilters, *, for_organisation: bool = False, breakdowns: bool = True
) -> ImpactReport:
    """The report for `filters`; without `breakdowns`, only its headline figures (the staff
    overview), and the hours tables are left empty."""
    if breakdowns:
        _room_to_sort()
    rates = all_rates()
    facts = hours.facts(filters, rates)
    figures = hours.hours_figures(facts, breakdowns=breakdowns)
    return ImpactReport(
        filters=filters,
        for_organisation=for_organisation,
        rates=rates_in(filters, rates),
        total=figures.total,
        organisations_active=figures.organisations_active,
        by_category=figures.by_category,
        by_locality=figures.by_locality,
        by_organisation=figures.by_organisation,
        by_organisation_kind=figures.by_organisation_kind,
        by_month=hours.by_month(filters, rates) if breakdowns else [],
        new_volunteers=None if for_organisation else activity.new_volunteers(filters),
        funnel=activity.funnel(filters),
        placements_started=activity.placements_started(filters),
        training=activity.training_completions(filters),
    )


# --- Tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One table of the report, as the page, the CSV and the PDF show it."""

    slug: str
    title: str
    header: list[str]
    rows: list[list[str]]
    keys: list[str] = field(default_factory=list)  # each row's thing (an organisation's slug)

    @property
    def shown_rows(self) -> list[list[str]]:
        """The rows as the page shows them: thousands separated, money in pounds."""
        money = [heading.endswith("(£)") for heading in self.header]
        return [
            [row[0], *(_shown(cell, money[index]) for index, cell in enumerate(row) if index)]
            for row in self.rows
        ]


def _shown(cell: str, money: bool) -> str:
    number = Decimal(cell)
    return f"£{number:,.2f}" if money else f"{number:,}"


def pounds(pence: int) -> str:
    """Pounds and pence as a spreadsheet reads them: 1234.50."""
    return f"{Decimal(pence) / 100:.2f}"


HOURS_HEADER = ["Verified hours", "Volunteers", "Social value (£)"]


def _hours_rows(figures: list[HoursFigure]) -> list[list[str]]:
    return [
        [
            figure.label,
            decimal_hours(figure.quarters),
            str(figure.volunteers),
            pounds(figure.value_pence),
        ]
        for figure in figures
    ]


def _hours_table(slug: str, title: str, first: str, figures: list[HoursFigure]) -> Table:
    keys = [figure.key for figure in figures]
    return Table(slug, title, [first, *HOURS_HEADER], _hours_rows(figures), keys)


def _counts_table(slug: str, title: str, first: str, second: str, counts: list[Count]) -> Table:
    return Table(slug, title, [first, second], [[item.label, str(item.count)] for item in counts])


def _funnel_table(report: ImpactReport) -> Table:
    funnel = report.funnel
    rows = [
        ["Applied", str(funnel.applied)],
        ["Approved (at any time since)", str(funnel.approved)],
        ["Started volunteering", str(funnel.active)],
    ]
    rows += [[f"Now: {item.label}", str(item.count)] for item in funnel.outcomes]
    return Table("applications", "Applications made in the period", ["Stage", "Applications"], rows)


TABLES: dict[str, Callable[[ImpactReport], Table | None]] = {
    "hours-by-category": lambda r: _hours_table(
        "hours-by-category",
        "Verified hours by kind of volunteering",
        "Kind of volunteering",
        r.by_category,
    ),
    "hours-by-area": lambda r: _hours_table(
        "hours-by-area", "Verified hours by area", "Area", r.by_locality
    ),
    "hours-by-organisation": lambda r: _hours_table(
        "hours-by-organisation", "Verified hours by organisation", "Organisation", r.by_organisation
    ),
    "hours-by-organisation-kind": lambda r: _hours_table(
        "hours-by-organisation-kind",
        "Verified hours by kind of organisation",
        "Kind of organisation",
        r.by_organisation_kind,
    ),
    "hours-by-month": lambda r: _hours_table(
        "hours-by-month", "Verified hours by month", "Month", r.by_month
    ),
    "new-volunteers": lambda r: (
        None
        if r.new_volunteers is None
        else _counts_table(
            "new-volunteers", "New volunteers by area", "Area", "New volunteers", r.new_volunteers
        )
    ),
    "applications": _funnel_table,
    "training": lambda r: _counts_table(
        "training", "Training completed", "Course", "Completions", r.training
    ),
}


def table(report: ImpactReport, slug: str) -> Table | None:
    """The report's table named `slug`; None when there is no such table in this report."""
    make = TABLES.get(slug)
    return make(report) if make is not None else None


def tables(report: ImpactReport) -> dict[str, Table]:
    return {slug: made for slug in TABLES if (made := table(report, slug)) is not None}
