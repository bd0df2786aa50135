"""The awards' forms: nominating, setting up cycles and categories, reviewing and judging."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, NumberRange, Optional, ValidationError

from ..clock import hub_zone
from ..forms import HubForm, max_length
from .models import (
    ELIGIBILITY_LABELS,
    HIGHEST_SCORE,
    LOWEST_SCORE,
    OUTCOME_LABELS,
    AwardCategory,
    Eligibility,
)
from .nominating import STATEMENT_WORDS, SUPPORTING_WORDS, word_count
from .services import DECISIONS


def within_words(limit: int, what: str) -> Any:
    def check(form: Any, field: Any) -> None:
        if word_count(field.data or "") > limit:
            raise ValidationError(f"{what} must be {limit:,} words or fewer")

    return check


def utc_of(local: datetime | None) -> datetime | None:
    """A local wall-clock time typed into a form, as UTC."""
    return local.replace(tzinfo=hub_zone()).astimezone(UTC) if local else None


class NominationForm(HubForm):
    category = SelectField(
        "Award category",
        validators=[DataRequired("Choose an award category")],
        invalid_choice_message="Choose an award category from the list",
    )
    nominee_name = StringField(
        "Name of the person or group you are nominating",
        validators=[
            DataRequired("Enter the name of who you are nominating"),
            max_length(200, "The name"),
        ],
    )
    nominee_organisation = StringField(
        "Organisation or group they volunteer with (optional)",
        validators=[max_length(200, "The organisation")],
    )
    nominee_contact = StringField(
        "Their email address or phone number, if you know it (optional)",
        validators=[max_length(254, "Their contact")],
    )
    nominator_name = StringField(
        "Your name", validators=[DataRequired("Enter your name"), max_length(200, "Your name")]
    )
    nominator_email = StringField(
        "Your email address",
        description="We will email you a link to confirm your nomination.",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address like name@example.org", check_deliverability=False),
            max_length(254, "Your email address"),
        ],
    )
    nominator_relationship = StringField(
        "How do you know them?",
        description="For example: I volunteer with them, they helped my family.",
        validators=[DataRequired("Say how you know them"), max_length(200, "How you know them")],
    )
    statement = TextAreaField(
        "Why do they deserve this award?",
        description=f"Up to {STATEMENT_WORDS} words.",
        validators=[
            DataRequired("Say why they deserve this award"),
            within_words(STATEMENT_WORDS, "The statement"),
        ],
        render_kw={"rows": 10, "data-word-limit": str(STATEMENT_WORDS)},
    )
    supporting = TextAreaField(
        "Anything else that supports the nomination (optional)",
        validators=[within_words(SUPPORTING_WORDS, "The supporting text")],
        render_kw={"rows": 4},
    )
    # The honeypot: hidden from sight; people leave it empty, some robots fill it in.
    website = StringField("Leave this empty", render_kw={"autocomplete": "off", "tabindex": "-1"})


class CycleForm(HubForm):
    year = IntegerField(
        "Year",
        validators=[DataRequired("Enter the year"), NumberRange(2000, 2200, "Enter a real year")],
    )
    title = StringField(
        "Title", validators=[DataRequired("Enter a title"), max_length(200, "The title")]
    )
    nominations_open_at = DateTimeLocalField(
        "Nominations open",
        validators=[DataRequired("Enter when nominations open")],
        invalid_value_message="Enter a date and time, like 2026-03-01T09:00",
    )
    nominations_close_at = DateTimeLocalField(
        "Nominations close",
        validators=[DataRequired("Enter when nominations close")],
        invalid_value_message="Enter a date and time, like 2026-04-30T17:00",
    )
    judging_deadline = DateField(
        "Judging deadline",
        validators=[DataRequired("Enter the judging deadline")],
        invalid_value_message="The date must be a real date, like 2026-05-31",
    )
    ceremony_at = DateTimeLocalField(
        "Ceremony",
        validators=[DataRequired("Enter when the ceremony is")],
        invalid_value_message="Enter a date and time, like 2026-06-20T19:00",
    )
    venue = StringField(
        "Venue", validators=[DataRequired("Enter the venue"), max_length(300, "The venue")]
    )

    def validate_nominations_close_at(self, field: DateTimeLocalField) -> None:
        opens = self.nominations_open_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError("Nominations must close after they open")


class CategoryForm(HubForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the category's name"), max_length(120, "The name")]
    )
    description = TextAreaField(
        "Description", validators=[max_length(4_000, "The description")], render_kw={"rows": 4}
    )
    criteria = TextAreaField(
        "Criteria",
        description="One a line. Judges score each from 1 to 5.",
        validators=[DataRequired("Enter at least one criterion")],
        render_kw={"rows": 4},
    )
    eligibility = RadioField(
        "Who can be nominated",
        choices=[SelectChoice(str(value), label) for value, label in ELIGIBILITY_LABELS.items()],
        default=str(Eligibility.INDIVIDUAL),
        validators=[DataRequired("Choose who can be nominated")],
        invalid_choice_message="Choose who can be nominated",
    )
    age_on = DateField(
        "Young volunteers are under 25 on",
        description="Only for young volunteer categories.",
        validators=[Optional()],
        invalid_value_message="The date must be a real date, like 2026-03-31",
    )
    minimum_hours = IntegerField(
        "Minimum verified hours (optional)",
        validators=[Optional(), NumberRange(0, 100_000, "Enter from 0 to 100,000 hours")],
    )

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in (self.criteria.data or "").splitlines() if line.strip()]

    def validate_criteria(self, field: TextAreaField) -> None:
        lines = self.criteria_list()
        if len(lines) > 10 or any(len(line) > 200 for line in lines):
            raise ValidationError("Enter up to 10 criteria of up to 200 characters each")

    def validate(self, extra_validators: Any = None) -> bool:
        """Also: a young volunteer category needs its date (an optional field's own
        validators stop when it is empty)."""
        valid: bool = super().validate(extra_validators)
        if self.eligibility.data == Eligibility.YOUNG and not self.age_on.data:
            if not self.age_on.errors:
                self.age_on.errors = ["Enter the date young volunteers must be under 25 on"]
            return False
        return valid


class DecideForm(HubForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("shortlist", "Shortlist"),
            SelectChoice("not-progressed", "Do not progress"),
            SelectChoice("ineligible", "Not eligible"),
            SelectChoice("reopen", "Back to review"),
        ],
        validators=[DataRequired("Choose a decision")],
        invalid_choice_message="Choose a decision",
    )
    reason = TextAreaField(
        "Reason",
        description="Needed when the nomination is not eligible. Only staff see it.",
        validators=[max_length(2_000, "The reason")],
        render_kw={"rows": 3},
    )

    def validate_reason(self, field: TextAreaField) -> None:
        decision = DECISIONS.get(self.decision.data or "")
        if decision is not None and decision[2] and not field.data:
            raise ValidationError("Say why the nomination is not eligible")


class MergeForm(HubForm):
    into = SelectField(
        "Merge this nomination into",
        validators=[DataRequired("Choose the nomination to keep")],
        invalid_choice_message="Choose a nomination from the list",
    )


class LinkForm(HubForm):
    user_id = HiddenField(validators=[DataRequired("Choose an account")])


class AccountSearchForm(HubForm):
    class Meta:
        csrf = False

    q = StringField("Name or email address", validators=[max_length(200, "The search")])


class JudgeForm(HubForm):
    email = StringField(
        "Judge's email address",
        description="Any account can judge: they must have signed up first.",
        validators=[DataRequired("Enter the judge's email address"), max_length(254, "The email")],
    )


class OutcomeForm(HubForm):
    outcome = SelectField(
        "Outcome",
        choices=[SelectChoice(str(value), label) for value, label in OUTCOME_LABELS.items()],
        validators=[DataRequired("Choose an outcome")],
        invalid_choice_message="Choose an outcome from the list",
    )


class ConfirmForm(HubForm):
    """A button that does one thing; the hidden field proves the button was pressed."""

    confirm = HiddenField(validators=[DataRequired("Use the button to confirm")])


SCORE_CHOICES = [
    SelectChoice(str(mark), str(mark)) for mark in range(LOWEST_SCORE, HIGHEST_SCORE + 1)
]


def score_form(category: AwardCategory, **kwargs: Any) -> Any:
    """A form with a 1 to 5 choice for each of the category's criteria, and a comment."""

    class ScoreForm(HubForm):
        comment = TextAreaField(
            "Comment", validators=[max_length(2_000, "The comment")], render_kw={"rows": 4}
        )

        def marks(self) -> list[int]:
            return [int(self[f"criterion_{index}"].data) for index in range(len(criteria))]

    criteria = category.criteria
    for index, criterion in enumerate(criteria):
        setattr(
            ScoreForm,
            f"criterion_{index}",
            RadioField(
                criterion,
                choices=SCORE_CHOICES,
                validators=[DataRequired(f"Score “{criterion}” from 1 to 5")],
                invalid_choice_message=f"Score “{criterion}” from 1 to 5",
            ),
        )
    return ScoreForm(**kwargs)
