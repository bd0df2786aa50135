"""The report's filters: a GET form (it changes nothing, so it has no CSRF token), so every
choice sits in the address and a report can be bookmarked or sent to a colleague."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from ..clock import add_months
from ..forms import HubForm
from ..organisations.models import KIND_LABELS
from ..reference.models import Category, Locality
from ..reference.services import item_choices
from .filters import ReportFilters

EARLIEST = date(2000, 1, 1)
LONGEST_YEARS = 10


def financial_year_start(day: date) -> date:
    """1 April of the financial year `day` falls in (April to March)."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _date_field(label: str, name: str, hint: str) -> DateField:
    return DateField(
        label,
        name=name,
        validators=[Optional()],
        description=hint,
        invalid_value_message="The date must be a real date, like 2026-04-01",
        render_kw={"type": "date"},
    )


def _as_id(value: Any) -> int | None:
    return int(value) if value else None


class ReportForm(HubForm):
    class Meta:
        csrf = False

    start = _date_field("From", "from", "The first day counted.")
    end = _date_field("To", "to", "The last day counted.")
    category = SelectField(
        "Kind of volunteering", default="", invalid_choice_message="Choose from the list"
    )
    area = SelectField("Area", default="", invalid_choice_message="Choose from the list")
    kind = SelectField(
        "Kind of organisation",
        default="",
        choices=[
            SelectChoice("", "Any kind"),
            *(SelectChoice(str(k), v) for k, v in KIND_LABELS.items()),
        ],
        invalid_choice_message="Choose from the list",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", "Any kind"), *item_choices(Category)]
        self.area.choices = [SelectChoice("", "Any area"), *item_choices(Locality)]

    def validate_start(self, field: DateField) -> None:
        if field.data is not None and field.data < EARLIEST:
            raise ValidationError(f"The start date must be in {EARLIEST.year} or later")

    def validate_end(self, field: DateField) -> None:
        start = self.start.data
        if field.data is None or start is None:
            return
        if field.data < start:
            raise ValidationError("The end date must be the same as or after the start date")
        if field.data >= add_months(start, 12 * LONGEST_YEARS):
            raise ValidationError(f"A report can cover up to {LONGEST_YEARS} years")

    def filters(self, today: date, organisation_id: int | None = None) -> ReportFilters:
        """The chosen filters (call after `validate`): by default, this financial year so far."""
        chosen_start = self.start.data
        end = self.end.data or (max(today, chosen_start) if chosen_start else today)
        start = chosen_start or financial_year_start(end)
        return ReportFilters(
            start=start,
            end=end,
            category_id=_as_id(self.category.data),
            locality_id=_as_id(self.area.data),
            organisation_id=organisation_id,
            organisation_kind=self.kind.data or None,
        )


PERIODS = {
    "this-month": "This month so far",
    "last-month": "Last month",
    "this-year": "This financial year so far",
    "last-year": "Last financial year",
    "12-months": "The last 12 months",
}


def named_period(name: str, today: date) -> tuple[date, date]:
    """The first and last days of one of `PERIODS`, as of `today`."""
    month = today.replace(day=1)
    year = financial_year_start(today)
    return {
        "this-month": (month, today),
        "last-month": (add_months(month, -1), month - timedelta(days=1)),
        "this-year": (year, today),
        "last-year": (add_months(year, -12), year - timedelta(days=1)),
        "12-months": (add_months(today, -12) + timedelta(days=1), today),
    }[name]


class PeriodForm(HubForm):
    """The staff overview's choice of period for its figures."""

    class Meta:
        csrf = False

    period = SelectField(
        "Figures for",
        choices=[SelectChoice(key, label) for key, label in PERIODS.items()],
        default="this-month",
        invalid_choice_message="Choose a period from the list",
    )

    def dates(self, today: date) -> tuple[date, date]:
        return named_period(self.period.data or "this-month", today)
