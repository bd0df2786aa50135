"""Forms for reference items and policy settings."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from ..forms import HubForm, max_length
from .settings import SPECS


class ReferenceItemForm(HubForm):
    name = StringField("Name", validators=[DataRequired("Enter a name"), max_length(120, "Name")])
    description = TextAreaField(
        "Description (optional)",
        validators=[max_length(2000, "Description")],
    )
    active = BooleanField("Offer this in lists and forms", default=True)


def settings_form_class() -> type[HubForm]:
    """A form with one text field per setting, validated by the setting's own parser."""

    def check(spec: Any) -> Any:
        def validator(form: HubForm, field: Any) -> None:
            try:
                spec.parse(field.data or "")
            except ValueError as error:
                raise ValidationError(str(error)) from error

        return validator

    fields = {
        spec.key: StringField(
            spec.label,
            validators=[DataRequired(f"Enter a value for {spec.label.lower()}"), check(spec)],
            description=spec.hint,
        )
        for spec in SPECS
    }
    return type("SettingsForm", (HubForm,), fields)
