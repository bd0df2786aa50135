"""Account forms. Validation that needs the database or the policy lives in the services."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, ValidationError

from ..contact import normalise_postcode
from ..forms import HubForm, max_length
from .passwords import password_problem

EMAIL_MESSAGE = "Enter an email address in the right format, like name@example.com"


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired("Enter your email address"),
            max_length(254, "Email address"),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def new_password_field(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Enter a password")],
        description="At least 10 characters. Three or four random words work well.",
        render_kw={"autocomplete": "new-password"},
    )


class NewPasswordMixin:
    """Checks a form's `password` against the policy (length, common passwords, the person's
    own name or email), not against character classes. Each form declares the field itself,
    where it stands on the page, so errors are listed in page order."""

    def __init__(self, *args: Any, personal: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._personal = personal

    def personal_values(self) -> tuple[str, ...]:
        """Values the password must not be built on (the person's name and email)."""
        return self._personal

    def validate_password(self, field: Any) -> None:
        problem = password_problem(field.data or "", personal=self.personal_values())
        if problem:
            raise ValidationError(problem)


class PostcodeField(StringField):
    """A UK postcode; `data` holds the normal form after validation."""

    data: str | None

    def pre_validate(self, form: Any) -> None:
        if self.data and self.data.strip():
            normal = normalise_postcode(self.data)
            if normal is None:
                raise ValidationError("Enter a real UK postcode, like SK1 3XE")
            self.data = normal
        else:
            self.data = None


class SignUpForm(NewPasswordMixin, HubForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter your name"), max_length(200, "Your name")],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )
    email = email_field()
    password = new_password_field()
    postcode = PostcodeField(
        "Postcode",
        validators=[DataRequired("Enter your postcode")],
        description="We use it to suggest roles near you. It is never shown to organisations.",
        render_kw={"autocomplete": "postal-code", "class": "input-width-10"},
    )
    locality = SelectField("Area you live in or want to volunteer in (optional)", coerce=str)
    agree_privacy = BooleanField(
        "I have read the privacy notice and agree that the hub may keep my details",
        validators=[InputRequired("You must agree to the privacy notice to sign up")],
    )

    def personal_values(self) -> tuple[str, ...]:
        email = self.email.data or ""
        return (self.name.data or "", email, email.split("@")[0])


class LoginForm(HubForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device for 30 days")


class EmailOnlyForm(HubForm):
    email = email_field()


class ResetPasswordForm(NewPasswordMixin, HubForm):
    password = new_password_field("New password")


class ChangePasswordForm(NewPasswordMixin, HubForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field("New password")


class ChangeEmailForm(HubForm):
    email = email_field("New email address")
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )
