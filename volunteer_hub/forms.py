"""The base of every form: surrounding spaces are trimmed from what people type, so a field of
only spaces counts as empty; passwords are left exactly as typed."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length


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
