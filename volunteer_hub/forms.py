"""The base of every form: surrounding spaces are trimmed from what people type, so a field of
only spaces counts as empty; passwords are left exactly as typed."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField, TimeField
from wtforms.validators import DataRequired, Length


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def max_length(limit: int, what: str) -> Length:
    """A length limit with a plain-words message naming the field."""
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class HubForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = tuple(unbound_field.kwargs.get("filters", ()))
                options["filters"] = (_strip, *filters)
            return unbound_field.bind(form=form, **options)


def local_times(day_label: str, what: str) -> tuple[DateField, TimeField, TimeField]:
    """A date with start and end times of day (Europe/London), for a shift or a session:
    `day, start, end = local_times("Date", "session")`."""
    day = DateField(
        day_label,
        validators=[DataRequired(f"Enter the date of the {what}")],
        invalid_value_message="The date must be a real date, like 2027-03-27",
    )
    start = TimeField(
        "Start time",
        validators=[DataRequired("Enter the start time")],
        invalid_value_message="The start time must be a time, like 10:00",
    )
    end = TimeField(
        "End time",
        validators=[DataRequired("Enter the end time")],
        invalid_value_message="The end time must be a time, like 13:00",
    )
    return day, start, end
