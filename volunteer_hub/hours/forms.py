"""Fields and forms the hours pages share: hours typed as decimal hours in quarter steps."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ..forms import HubForm, max_length
from .services import NOTE_LENGTH, EntryInvalid, parse_hours


class HoursField(StringField):
    """Hours as typed ("2", "1.5", "0.25"); `quarters` holds the whole quarter-hours once the
    form validates."""

    quarters: int | None = None

    def pre_validate(self, form: Any) -> None:
        self.quarters = None
        if not self.data:
            return
        try:
            self.quarters = parse_hours(self.data)
        except EntryInvalid as error:
            raise ValidationError(str(error)) from None


def hours_field(label: str = "Hours") -> HoursField:
    return HoursField(
        label,
        validators=[DataRequired("Enter the hours, like 2 or 1.5")],
        description="In quarter-hour steps: 1.25 is an hour and a quarter.",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


def worked_on_field() -> DateField:
    return DateField(
        "Date",
        validators=[InputRequired("Enter the date you volunteered")],
        invalid_value_message="The date must be a real date, like 2026-11-20",
    )


def note_field() -> TextAreaField:
    return TextAreaField(
        "Note (optional)",
        validators=[max_length(NOTE_LENGTH, "The note")],
        description="What you did, if it helps the organisation verify the hours.",
        render_kw={"rows": 3},
    )


class EntryForm(HubForm):
    """One entry's date, hours and note (logging, or correcting a queried entry)."""

    worked_on = worked_on_field()
    hours = hours_field()
    note = note_field()
