"""Forms of the training pages: courses, sessions, the calendar's filters and registers."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..files import MAX_BYTES, UploadRefused, evidence_kind
from ..forms import HubForm, local_times, max_length
from ..roles.forms import WholeNumberField
from .models import DELIVERY_LABELS, Delivery

HUB_PROVIDER = "hub"


class CourseForm(HubForm):
    """A course; `provider` choices (the hub, the user's organisations) come from the view."""

    title = StringField(
        "Title",
        validators=[DataRequired("Enter the course title"), max_length(200, "Title")],
        description="Like “Emergency first aid” or “Brushcutter safety”.",
    )
    description = TextAreaField(
        "What the course covers",
        validators=[max_length(5000, "What the course covers")],
        render_kw={"rows": 5},
    )
    provider = SelectField(
        "Provided by",
        coerce=str,
        validators=[DataRequired("Choose who provides the course")],
        invalid_choice_message="Choose who provides the course from the list",
    )
    delivery = RadioField(
        "How it is delivered",
        choices=[SelectChoice(str(value), label) for value, label in DELIVERY_LABELS.items()],
        validators=[InputRequired("Choose how the course is delivered")],
        invalid_choice_message="Choose how the course is delivered",
    )
    duration_minutes = WholeNumberField(
        "Length in minutes",
        what="Length",
        description="For example 180 for a three-hour course.",
        validators=[
            InputRequired("Enter how long the course takes"),
            NumberRange(min=5, max=10_000, message="Length must be 5 to 10,000 minutes"),
        ],
    )
    validity_months = WholeNumberField(
        "Valid for (months)",
        what="Valid for",
        description="How long a completion counts, like 36 for three years. Leave empty if it "
        "never expires.",
        validators=[
            Optional(),
            NumberRange(min=1, max=120, message="Valid for must be 1 to 120 months"),
        ],
    )
    categories = SelectMultipleField(
        "Expected for roles in these categories (optional)",
        coerce=str,
        invalid_choice_message="Choose only from the boxes shown",
    )
    archived = BooleanField(
        "No longer offered",
        description="Hides the course and its sessions from the training calendar. Records "
        "of it stay on volunteers' training pages.",
    )


class SessionForm(HubForm):
    day, start, end = local_times("Date", "session")
    places = IntegerField(
        "Places",
        validators=[
            InputRequired("Enter how many people can come"),
            NumberRange(min=1, max=500, message="A session has 1 to 500 places"),
        ],
        invalid_value_message="Places must be a whole number, like 12",
    )
    venue = TextAreaField(
        "Venue (in-person sessions)",
        description="The room and address. Only people with a place see it.",
        validators=[max_length(500, "Venue")],
        render_kw={"rows": 3},
    )
    locality = SelectField(
        "Area (optional)",
        coerce=str,
        description="Shown on the public calendar, so people can find sessions near them.",
        invalid_choice_message="Choose an area from the list",
    )
    online_link = StringField(
        "Joining link (online sessions)",
        description="Only people with a place see it.",
        validators=[
            Optional(),
            URL(message="The joining link must be a web address starting https://"),
            max_length(500, "Joining link"),
        ],
    )
    runners = TextAreaField(
        "Email addresses of the people running it (optional)",
        description="One per line. They must have an account; they can take the register.",
        validators=[max_length(2000, "Email addresses")],
        render_kw={"rows": 3},
    )

    delivery: str = ""  # the course's, set by the view: which of venue and link it needs

    def validate_day(self, field: Any) -> None:
        if field.data is not None and field.data < local_today():
            raise ValidationError("The date must be today or in the future")

    def validate_end(self, field: Any) -> None:
        start = self.start.data
        if field.data is not None and start is not None and field.data <= start:
            raise ValidationError("The end time must be after the start time")

    def validate_venue(self, field: Any) -> None:
        if self.delivery == Delivery.IN_PERSON and not field.data:
            raise ValidationError("Enter the venue of the session")

    def validate_online_link(self, field: Any) -> None:
        if self.delivery == Delivery.ONLINE and not field.data:
            raise ValidationError("Enter the joining link of the session")

    def validate_runners(self, field: Any) -> None:
        self.runner_accounts = []
        emails = [line.strip().lower() for line in (field.data or "").splitlines() if line.strip()]
        if not emails:
            return
        found = {
            user.email.lower(): user
            for user in db.session.scalars(
                select(User).where(func.lower(User.email).in_(emails), User.active.is_(True))
            )
        }
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise ValidationError(f"No account has the address {unknown[0]}")
        self.runner_accounts = list(found.values())

    runner_accounts: list[User]


class CalendarFilters(HubForm):
    """The public calendar's filters: read from the query string, never a write."""

    class Meta:
        csrf = False

    course = SelectField("Course", coerce=str, default="", validate_choice=False)
    locality = SelectField("Area", coerce=str, default="", validate_choice=False)
    month = StringField("Month", default="", description="Like 2027-03.")


class CancelSessionForm(HubForm):
    reason = TextAreaField(
        "Why is it cancelled?",
        description="Everyone with a place or on the waiting list is emailed this.",
        validators=[DataRequired("Say why the session is cancelled"), max_length(1000, "Why")],
        render_kw={"rows": 3},
    )


# Training done elsewhere

FILE_HINT = "PDF, JPEG or PNG, up to 5 MB. A certificate, or a photo or screenshot of one."


def _course_field() -> SelectField:
    return SelectField(
        "Course",
        validators=[DataRequired("Choose the course")],
        invalid_choice_message="Choose a course from the list",
    )


def _completed_field() -> DateField:
    return DateField(
        "Date completed",
        validators=[DataRequired("Enter the date the course was completed")],
        invalid_value_message="The date completed must be a real date, like 2026-03-27",
    )


def _note_field(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label, validators=[max_length(2_000, "The note")], description=hint, render_kw={"rows": 3}
    )


def _not_in_future(form: Any, field: DateField) -> None:
    if field.data and field.data > local_today():
        raise ValidationError("The date completed must be today or in the past")


class SubmitForm(HubForm):
    """The volunteer's course, date and evidence; `upload` holds the file's bytes once
    they have been checked."""

    course = _course_field()
    completed_on = _completed_field()
    evidence = FileField(
        "Evidence",
        validators=[FileRequired("Choose the file that shows you completed the course")],
        description=FILE_HINT,
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )
    note = _note_field("Anything we should know (optional)", "For example, who ran the course.")

    upload = b""

    validate_completed_on = _not_in_future

    def validate_evidence(self, field: FileField) -> None:
        data = field.data.stream.read(MAX_BYTES + 1)  # no more than enough to refuse it
        try:
            evidence_kind(data)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from refused
        self.upload = data


class RecordForm(HubForm):
    course = _course_field()
    completed_on = _completed_field()
    note = _note_field("Note (optional)", "Where they did the course, and what you saw.")

    validate_completed_on = _not_in_future


class DecisionForm(HubForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("verify", "Verify: the evidence shows the course was completed"),
            SelectChoice("reject", "Reject"),
        ],
        validators=[DataRequired("Choose whether to verify or reject the record")],
        invalid_choice_message="Choose whether to verify or reject the record",
    )
    reason = TextAreaField(
        "Reason (needed to reject)",
        validators=[max_length(2_000, "The reason")],
        description="The volunteer is emailed this, so write it for them.",
        render_kw={"rows": 3},
    )

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Enter the reason, so the volunteer knows what to do next")
