"""The report's filters: a GET form (it changes nothing, so it has no CSRF token), so every
choice sits in the address and a report can be bookmarked or sent to a colleague."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from ..clock import add_months
from ..extensions import db
from ..forms import HubForm
from ..organisations.models import KIND_LABELS
from ..reference.models import Category, Locality
from ..reference.services import Item
from .filters import ReportFilters

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
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

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.category.choices = [SelectChoice("", "Any kind"), *_every_item(Category)]
        self.area.choices = [SelectChoice("", "Any area"), *_every_item(Locality)]

    def validate_start(self, field: DateField) -> None:
        _within_bounds(field.data, "start")

    def validate_end(self, field: DateField) -> None:
        _within_bounds(field.data, "end")
        start = self.start.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError("The end date must be the same as or after the start date")

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the length of the period they make (a missing date is filled in,
        so the length is checked on the period the report would cover)."""
        if not super().validate(extra_validators):
            return False
        start, end = self.period()
        if end >= add_months(start, 12 * LONGEST_YEARS):
            field = self.end if self.end.data is not None else self.start
            field.errors = [*field.errors, f"A report can cover up to {LONGEST_YEARS} years"]
            return False
        return True

    def period(self) -> tuple[date, date]:
        """The first and last days covered: by default, this financial year so far."""
        chosen_start = self.start.data
        end = self.end.data or (max(self.today, chosen_start) if chosen_start else self.today)
        return chosen_start or financial_year_start(end), end

    def filters(self, organisation_id: int | None = None) -> ReportFilters:
        """The chosen filters (call after `validate`)."""
        start, end = self.period()
        return ReportFilters(
            start=start,
            end=end,
            category_id=_as_id(self.category.data),
            locality_id=_as_id(self.area.data),
            organisation_id=organisation_id,
            organisation_kind=self.kind.data or None,
        )


def _within_bounds(day: date | None, which: str) -> None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(f"The {which} date must be between {EARLIEST.year} and {LATEST.year}")


def _every_item(model: type[Item]) -> list[SelectChoice]:
    """Every item, retired ones too (a past period may need them), by name."""
    items = db.session.scalars(select(model).order_by(model.name, model.id))
    return [
        SelectChoice(str(item.id), item.name if item.active else f"{item.name} (no longer used)")
        for item in items
    ]


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
