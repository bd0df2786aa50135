"""The volunteer profile form and the account deletion form."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..auth.forms import PostcodeField
from ..clock import age_on, local_today
from ..contact import normalise_phone
from ..forms import HubForm, max_length
from ..periods import PERIODS

MINIMUM_AGE = 10  # younger children volunteer with their family, not on their own account


class PhoneField(TelField):
    """A phone number; `data` holds the E.164 form after validation."""

    data: str | None

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data.strip():
            normal = normalise_phone(self.data)
            if normal is None:
                raise ValidationError("Enter a phone number, like 07700 900 982 or 0161 496 0000")
            self.data = normal
        else:
            self.data = None


class ProfileForm(HubForm):
    phone = PhoneField(
        "Phone number (optional)",
        description="So a coordinator can call you about a role.",
        render_kw={"autocomplete": "tel"},
    )
    postcode = PostcodeField(
        "Postcode",
        validators=[DataRequired("Enter your postcode")],
        render_kw={"autocomplete": "postal-code", "class": "input-width-10"},
    )
    locality = SelectField("Area you live in or want to volunteer in (optional)", coerce=str)
    date_of_birth = DateField(
        "Date of birth (optional)",
        validators=[Optional()],
        description="Some roles have a minimum age, so we only use this to check it.",
        render_kw={"autocomplete": "bday"},
    )
    employer = StringField(
        "Employer (optional)",
        validators=[max_length(200, "Employer")],
        description="If your employer supports volunteering, we can count your hours for them.",
        render_kw={"autocomplete": "organization"},
    )
    interests = SelectMultipleField("Kinds of volunteering that interest you", coerce=str)
    skills = SelectMultipleField("Skills you can offer", coerce=str)
    availability = SelectMultipleField("When you are usually free", coerce=str)
    emergency_contact_name = StringField(
        "Emergency contact's name (optional)",
        validators=[max_length(200, "Emergency contact's name")],
    )
    emergency_contact_phone = PhoneField("Emergency contact's phone number (optional)")
    emergency_contact_relationship = StringField(
        "How they are related to you (optional)",
        validators=[max_length(80, "How they are related to you")],
        description="For example, partner, parent or friend.",
    )
    contact_by_email = BooleanField("Email me about my applications, shifts and training")
    contact_by_sms = BooleanField("Text me reminders about shifts and training")
    marketing = BooleanField("Send me the hub's newsletter and news about new opportunities")

    def validate_date_of_birth(self, field: Any) -> None:
        if field.data is None:
            return
        today = local_today()
        if field.data >= today:
            raise ValidationError("Date of birth must be in the past")
        if field.data.year < 1900:
            raise ValidationError("Enter a date of birth after 1900")
        if age_on(field.data, today) < MINIMUM_AGE:
            raise ValidationError("You must be at least 10 years old to volunteer through the hub")

    def validate_emergency_contact_phone(self, field: Any) -> None:
        if self.emergency_contact_name.data and not field.data:
            raise ValidationError("Enter a phone number for your emergency contact")


def period_choices() -> list[SelectChoice]:
    return [SelectChoice(period.slug, period.label) for period in PERIODS]


class DeleteAccountForm(HubForm):
    confirm = BooleanField(
        "I understand that my account and profile will be deleted and cannot be restored",
        validators=[InputRequired("Tick the box to confirm you want to delete your account")],
    )
    password = PasswordField(
        "Your password",
        validators=[InputRequired("Enter your password to confirm")],
        render_kw={"autocomplete": "current-password"},
    )
