"""The form for one dated hourly value: its date, the value in pounds and pence, its source."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ..forms import HubForm, max_length
from .rates import SOURCE_LENGTH, parse_pounds


def pounds_and_pence(form: HubForm, field: Any) -> None:
    """Pounds and pence as a person types them ("18.20", "£18.20", "18"), within bounds."""
    try:
        parse_pounds(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ValueRateForm(HubForm):
    valid_from = DateField(
        "Applies from",
        validators=[InputRequired("Enter the date the value applies from")],
        description="Hours worked on this day and after are valued at this rate, until the "
        "next value’s date. For example, 2025-11-01.",
        invalid_value_message="The date must be a real date, like 2025-11-01",
        render_kw={"autocomplete": "off"},
    )
    value = StringField(
        "Value of one hour",
        validators=[DataRequired("Enter the value of one hour, like 18.20"), pounds_and_pence],
        description="In pounds and pence, like 18.20.",
        render_kw={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"},
    )
    source = StringField(
        "Source",
        validators=[
            DataRequired("Enter where the value comes from"),
            max_length(SOURCE_LENGTH, "Source"),
        ],
        description="Name the figure and its year, for example “ONS Annual Survey of Hours "
        "and Earnings 2024, UK median hourly pay” or “Real Living Wage 2025-26 (Living Wage "
        "Foundation)”.",
    )
