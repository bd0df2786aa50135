"""What the page and the PDF show of a report beyond its tables: the headline figures, the
charts and the method in words."""

from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..hours.models import hours_words
from ..organisations.models import KIND_LABELS, Organisation, OrganisationKind
from ..reference.models import Category, Locality
from ..templating import long_date
from .activity import Count
from .charts import BarChart, bar_chart
from .hours import HoursFigure
from .report import ImpactReport

CHART_BARS = 10


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    note: str = ""


def money(pence: int) -> str:
    """£1,234.56; whole pounds without the pence."""
    pounds, remainder = divmod(pence, 100)
    return f"£{pounds:,}" if remainder == 0 else f"£{pounds:,}.{remainder:02d}"


def headline_of(report: ImpactReport) -> list[Headline]:
    total = report.total
    figures = [
        Headline("Verified hours", hours_words(total.quarters)),
        Headline(
            "Social value",
            money(total.value_pence) if report.rates else "Not valued",
            "Verified hours × the hourly value on the day.",
        ),
        Headline("Active volunteers", f"{total.volunteers:,}", "People with verified hours."),
    ]
    if report.new_volunteer_total is not None:
        figures.append(Headline("New volunteers", f"{report.new_volunteer_total:,}", "Signed up."))
    figures += [
        Headline("Applications", f"{report.funnel.applied:,}", "Made in the period."),
        Headline("Placements started", f"{report.placements_started:,}"),
        Headline("Training completed", f"{report.training_total:,}", "Verified completions."),
    ]
    if not report.for_organisation:
        figures.append(
            Headline(
                "Organisations active", f"{report.organisations_active:,}", "With verified hours."
            )
        )
    return figures


def _hours_chart(
    slug: str, title: str, figures: list[HoursFigure], *, order: str = "largest first"
) -> BarChart:
    return bar_chart(
        slug,
        title,
        figures,
        label=lambda figure: figure.label,
        value=lambda figure: figure.quarters,
        value_text=lambda figure: hours_words(figure.quarters),
        limit=None if order != "largest first" else CHART_BARS,
        order=order,
    )


def _count_chart(slug: str, title: str, counts: list[Count], unit: str) -> BarChart:
    return bar_chart(
        slug,
        title,
        counts,
        label=lambda item: item.label,
        value=lambda item: item.count,
        value_text=lambda item: f"{item.count:,} {unit}",
        limit=CHART_BARS,
    )


def _funnel_chart(report: ImpactReport) -> BarChart:
    funnel = report.funnel
    stages = [
        Count("applied", "Applied", funnel.applied),
        Count("approved", "Approved", funnel.approved),
        Count("active", "Started volunteering", funnel.active),
    ]
    return bar_chart(
        "applications",
        "From application to volunteering",
        stages,
        label=lambda item: item.label,
        value=lambda item: item.count,
        value_text=lambda item: f"{item.count:,}",
        order="in the order of the stages",
    )


def charts_of(report: ImpactReport) -> dict[str, BarChart]:
    """The charts, keyed by the table that holds their figures."""
    charts = {
        "hours-by-category": _hours_chart(
            "hours-by-category", "Verified hours by kind of volunteering", report.by_category
        ),
        "hours-by-area": _hours_chart(
            "hours-by-area", "Verified hours by area", report.by_locality
        ),
        "hours-by-organisation": _hours_chart(
            "hours-by-organisation", "Verified hours by organisation", report.by_organisation
        ),
        "hours-by-organisation-kind": _hours_chart(
            "hours-by-organisation-kind",
            "Verified hours by kind of organisation",
            report.by_organisation_kind,
        ),
        "hours-by-month": _hours_chart(
            "hours-by-month", "Verified hours by month", report.by_month, order="month by month"
        ),
        "applications": _funnel_chart(report),
        "training": _count_chart(
            "training", "Training completed by course", report.training, "completed"
        ),
    }
    if report.new_volunteers is not None:
        charts["new-volunteers"] = _count_chart(
            "new-volunteers", "New volunteers by area", report.new_volunteers, "signed up"
        )
    return charts


@dataclass(frozen=True)
class Method:
    """How the social value is worked out, in words, and the rates behind it."""

    summary: str
    rates: list[str]
    unvalued: str


def method_of(report: ImpactReport) -> Method:
    if not report.rates:
        return Method(
            "No hourly value has been set, so this report shows no social value. An admin can "
            "set one under Hourly values.",
            [],
            "",
        )
    rates = [
        f"{money(rate.pence_per_hour)} an hour from {long_date(rate.valid_from)}: {rate.source}"
        for rate in report.rates
    ]
    unvalued = ""
    if report.total.unvalued_quarters:
        first = report.rates[0].valid_from
        unvalued = (
            f"{hours_words(report.total.unvalued_quarters)} worked before {long_date(first)}, "
            "when the first hourly value starts, are not valued."
        )
    return Method(
        "Social value is the replacement cost of the time given: each verified hour is "
        "multiplied by the hourly value in force on the day it was worked.",
        rates,
        unvalued,
    )


def wait_note(report: ImpactReport) -> str:
    """The median working days from applying to a decision, in words."""
    funnel = report.funnel
    if funnel.median_days is None:
        return "None of these applications has had a decision yet."
    days = f"{funnel.median_days:g}"
    unit = "working day" if funnel.median_days == 1 else "working days"
    decided = f"{funnel.decided:,} decided application{'s' if funnel.decided != 1 else ''}"
    return f"Median wait for a decision: {days} {unit}, over {decided}."


def filter_words(report: ImpactReport) -> list[str]:
    """The filters in words, for the PDF's cover: "Kind of volunteering: Environment"."""
    filters = report.filters
    words = []
    if filters.category_id is not None and (
        category := db.session.get(Category, filters.category_id)
    ):
        words.append(f"kind of volunteering: {category.name}")
    if filters.locality_id is not None and (
        locality := db.session.get(Locality, filters.locality_id)
    ):
        words.append(f"area: {locality.name}")
    if filters.organisation_kind is not None:
        words.append(
            f"kind of organisation: {KIND_LABELS[OrganisationKind(filters.organisation_kind)]}"
        )
    if (
        filters.organisation_id is not None
        and not report.for_organisation
        and (organisation := db.session.get(Organisation, filters.organisation_id))
    ):
        words.append(f"organisation: {organisation.name}")
    return words
