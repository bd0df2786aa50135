"""Organisation forms: the details (with due diligence), registering with a new account,
inviting members, and staff decisions."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from ..auth.forms import EMAIL_MESSAGE, NewPasswordMixin, new_password_field
from ..clock import local_today
from ..forms import HubForm, max_length
from ..volunteers.forms import PhoneField
from .models import KIND_LABELS, MembershipLevel, OrganisationKind, OrganisationStatus
from .services import Decision, OrganisationDetails

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
REGISTERED_CHARITIES = frozenset({OrganisationKind.CHARITY, OrganisationKind.CIO})
CHARITY_NUMBER = re.compile(r"^[0-9]{6,8}$")


def required_email(label: str, message: str, autocomplete: str = "email") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(message),
            max_length(254, label),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false"},
    )


def optional_email(label: str) -> EmailField:
    return EmailField(
        label,
        validators=[
            Optional(),
            max_length(254, label.removesuffix(" (optional)")),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
        render_kw={"spellcheck": "false"},
    )


def yes_no(label: str, message: str, hint: str = "") -> RadioField:
    return RadioField(label, choices=YES_NO, invalid_choice_message=message, description=hint)


class BlankableDateField(DateField):
    """A date that may be left empty (`data` is None) without an error of its own."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not " ".join(str(value) for value in valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class OrganisationForm(HubForm):
    """An organisation's details, in page order. `new` asks for insurance that has not
    expired yet (registering); an edit may record that it has."""

    name = StringField(
        "Name of the organisation",
        validators=[DataRequired("Enter the organisation's name"), max_length(200, "Name")],
        render_kw={"autocomplete": "organization"},
    )
    kind = RadioField(
        "What kind of organisation is it?",
        choices=[SelectChoice(str(kind), label) for kind, label in KIND_LABELS.items()],
        invalid_choice_message="Select the kind of organisation",
    )
    charity_number = StringField(
        "Registered charity number",
        description="Needed for registered charities and CIOs: 6 to 8 digits, for example 1234567.",
        render_kw={"class": "input-width-10", "inputmode": "numeric", "spellcheck": "false"},
    )
    description = TextAreaField(
        "What the organisation does",
        validators=[
            DataRequired("Describe what the organisation does"),
            max_length(5000, "The description"),
        ],
        description="Shown on the hub's directory. Say who you help and how volunteers take part.",
        render_kw={"rows": 6},
    )
    website = StringField(
        "Website (optional)",
        validators=[max_length(300, "Website")],
        description="For example, https://www.example.org.uk",
        render_kw={"inputmode": "url", "spellcheck": "false", "autocomplete": "url"},
    )
    locality = SelectField("Area the organisation works in (optional)", coerce=str)
    causes = SelectMultipleField(
        "Causes the organisation works for (optional)",
        coerce=str,
        invalid_choice_message="Select causes from the list",
    )
    contact_email = required_email(
        "Public contact email address", "Enter a contact email address", autocomplete="off"
    )
    contact_phone = PhoneField("Public contact phone number (optional)")
    safeguarding_policy = yes_no(
        "Does the organisation have a written safeguarding policy?",
        "Select yes if the organisation has a written safeguarding policy",
    )
    safeguarding_lead_name = StringField(
        "Name of the safeguarding lead",
        validators=[max_length(200, "The safeguarding lead's name")],
        description="Needed when you have a safeguarding policy: the person volunteers and "
        "staff can go to with a concern.",
    )
    safeguarding_lead_email = optional_email("Safeguarding lead's email address (optional)")
    insurance_held = yes_no(
        "Does the organisation hold public liability insurance?",
        "Select yes if the organisation holds public liability insurance",
    )
    insurance_expires_on = BlankableDateField(
        "Date the insurance expires",
        invalid_value_message="Enter the expiry date as a real date, like 2027-03-31",
        description="Needed when you hold insurance.",
        render_kw={"class": "input-width-10"},
    )
    approves_shift_hours = BooleanField(
        "Approve hours from attended shifts at once",
        description="When you mark someone as attending a shift, their hours for it are "
        "verified straight away instead of waiting for you to verify them.",
    )

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new = new

    def validate_charity_number(self, field: Any) -> None:
        number = re.sub(r"\s+", "", field.data or "")
        field.data = number or None
        if number and not CHARITY_NUMBER.match(number):
            raise ValidationError("Charity number must be 6 to 8 digits, like 1234567")
        if not number and self.kind.data in REGISTERED_CHARITIES:
            raise ValidationError("Enter the registered charity number")

    def validate_website(self, field: Any) -> None:
        if not field.data:
            field.data = None
            return
        parts = urlsplit(field.data)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or "." not in host or " " in field.data:
            raise ValidationError("Enter the website's full address, like https://www.example.org")

    def validate_safeguarding_lead_name(self, field: Any) -> None:
        if self.safeguarding_policy.data == "yes" and not field.data:
            raise ValidationError("Enter the name of the safeguarding lead")

    def validate_insurance_expires_on(self, field: Any) -> None:
        if self.insurance_held.data != "yes" or field.process_errors:
            return
        if field.data is None:
            raise ValidationError("Enter the date the insurance expires")
        if self.new and field.data <= local_today():
            raise ValidationError("The insurance expiry date must be in the future")
        if field.data.year > local_today().year + 10:
            raise ValidationError("Enter an expiry date within the next ten years")

    def details(self) -> OrganisationDetails:
        """What was entered, as the services take it (call after validation)."""
        held = self.insurance_held.data == "yes"
        return OrganisationDetails(
            name=self.name.data,
            kind=self.kind.data,
            charity_number=self.charity_number.data,
            description=self.description.data,
            website=self.website.data,
            locality_id=int(self.locality.data) if self.locality.data else None,
            cause_ids=[int(value) for value in self.causes.data or []],
            contact_email=self.contact_email.data,
            contact_phone=self.contact_phone.data,
            safeguarding_policy=self.safeguarding_policy.data == "yes",
            safeguarding_lead_name=self.safeguarding_lead_name.data or None,
            safeguarding_lead_email=self.safeguarding_lead_email.data or None,
            insurance_held=held,
            insurance_expires_on=self.insurance_expires_on.data if held else None,
            approves_shift_hours=bool(self.approves_shift_hours.data),
        )


def form_data(organisation: Any) -> dict[str, Any]:
    """The stored details, in the form's shape (to fill in the edit form)."""
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "charity_number": organisation.charity_number,
        "description": organisation.description,
        "website": organisation.website,
        "locality": str(organisation.locality_id or ""),
        "causes": [str(cause.id) for cause in organisation.causes],
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
        "safeguarding_policy": "yes" if organisation.safeguarding_policy else "no",
        "safeguarding_lead_name": organisation.safeguarding_lead_name,
        "safeguarding_lead_email": organisation.safeguarding_lead_email,
        "insurance_held": "yes" if organisation.insurance_held else "no",
        "insurance_expires_on": organisation.insurance_expires_on,
        "approves_shift_hours": organisation.approves_shift_hours,
    }


class RegisterWithAccountForm(NewPasswordMixin, OrganisationForm):
    """Registering an organisation for someone not signed in: their own account too."""

    your_name = StringField(
        "Your full name",
        validators=[DataRequired("Enter your name"), max_length(200, "Your name")],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )
    your_email = required_email("Your email address", "Enter your email address")
    password = new_password_field()
    agree_privacy = BooleanField(
        "I have read the privacy notice and agree that the hub may keep my details",
        validators=[InputRequired("You must agree to the privacy notice to register")],
    )

    def personal_values(self) -> tuple[str, ...]:
        email = self.your_email.data or ""
        return (self.your_name.data or "", email, email.split("@")[0])


class InviteForm(HubForm):
    email = required_email(
        "Their email address", "Enter the email address of the person to invite", "off"
    )
    level = RadioField(
        "What they may do",
        choices=[
            SelectChoice(
                MembershipLevel.COORDINATE, "Coordinate: advertise roles and look after volunteers"
            ),
            SelectChoice(
                MembershipLevel.MANAGE,
                "Manage: also edit the organisation's details and its members",
            ),
        ],
        invalid_choice_message="Select what they may do",
    )


class ConfirmForm(HubForm):
    """A button that changes something: CSRF only."""


class DecisionForm(HubForm):
    decision = RadioField(
        "What have you decided?",
        choices=[
            SelectChoice(Decision.APPROVE, "Approve: show it in the directory"),
            SelectChoice(Decision.DECLINE, "Decline, with a reason"),
            SelectChoice(Decision.SUSPEND, "Suspend, with a reason"),
            SelectChoice(Decision.REINSTATE, "Reinstate"),
        ],
        invalid_choice_message="Select a decision",
    )
    reason = TextAreaField(
        "Reason (needed to decline or suspend)",
        validators=[max_length(2000, "The reason")],
        description="The organisation's managers will read this.",
        render_kw={"rows": 4},
    )

    def offer(self, decisions: list[Decision]) -> None:
        """Show only the decisions open now; others, if sent, reach the rules and are refused."""
        self.offered = [c for c in self.decision.choices if c.value in decisions]


STATUS_FILTER = [SelectChoice("", "Any status")] + [
    SelectChoice(str(status), str(status).capitalize()) for status in OrganisationStatus
]


class QueueFilterForm(HubForm):
    class Meta:
        csrf = False

    status = SelectField("Status", choices=STATUS_FILTER, validators=[Optional()])


class DirectoryFilterForm(HubForm):
    """The directory's filters, for showing them: the values are read by the queries."""

    class Meta:
        csrf = False

    q = StringField("Name", validators=[Optional(), max_length(200, "Name")])
    kind = SelectField(
        "Kind",
        choices=[SelectChoice("", "Any kind")]
        + [SelectChoice(str(kind), label) for kind, label in KIND_LABELS.items()],
    )
    locality = SelectField("Area", coerce=str)
