"""Forms of the verifiers' pages: filtering lists, deciding, reversing, approving in bulk,
logging for a volunteer, the bulk grid and the totals' months."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    DateField,
    HiddenField,
    MonthField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from ..clock import local_today
from ..forms import HubForm, max_length
from ..placements.models import Placement
from ..urls import MAX_ID
from .forms import HoursField, hours_field, worked_on_field
from .models import STATUS_LABELS
from .queries import ALL, EntryFilters
from .services import DECISIONS, NOTE_LENGTH

MESSAGE_LENGTH = 2_000
MOST_AT_ONCE = 200  # entries approved by one bulk approval

STATUS_CHOICES = [SelectChoice(str(status), label) for status, label in STATUS_LABELS.items()]


def _day(label: str) -> DateField:
    return DateField(
        label,
        validators=[Optional()],
        invalid_value_message="The date must be a real date, like 2026-11-20",
    )


def _note() -> TextAreaField:
    return TextAreaField(
        "Note (optional)",
        validators=[max_length(NOTE_LENGTH, "The note")],
        description="What they did. The volunteer sees it with their hours.",
        render_kw={"rows": 3},
    )


def _id(value: str | None) -> int | None:
    return int(value) if value else None


class _ListFilters(HubForm):
    """A GET form: it changes nothing. Choices of ids are filled in by the view."""

    class Meta:
        csrf = False

    start = _day("Worked from")
    end = _day("Worked to")

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date must be on or after the start date")


class EntryFilterForm(_ListFilters):
    """The organisation's list: waiting to be verified unless another status is chosen."""

    status = SelectField(
        "Status",
        choices=[*STATUS_CHOICES, SelectChoice(ALL, "Any status")],
        invalid_choice_message="Choose a status from the list",
        default="pending",
    )
    role = SelectField("Role", invalid_choice_message="Choose a role from the list", default="")
    volunteer = StringField(
        "Volunteer's name contains", validators=[max_length(200, "Volunteer's name")]
    )

    def filters(self) -> EntryFilters:
        if not self.validate():
            return EntryFilters()
        return EntryFilters(
            status=self.status.data or "pending",
            role_id=_id(self.role.data),
            volunteer=self.volunteer.data or "",
            start=self.start.data,
            end=self.end.data,
        )


class StaffQueueForm(_ListFilters):
    """Staff's queue of hours waiting across the hub."""

    organisation = StringField(
        "Organisation's name contains", validators=[max_length(200, "Organisation's name")]
    )
    category = SelectField(
        "Kind of volunteering", invalid_choice_message="Choose from the list", default=""
    )
    role = StringField("Role's title contains", validators=[max_length(200, "Role's title")])

    def filters(self) -> EntryFilters:
        if not self.validate():
            return EntryFilters()
        return EntryFilters(
            organisation=self.organisation.data or "",
            category_id=_id(self.category.data),
            role_title=self.role.data or "",
            start=self.start.data,
            end=self.end.data,
        )


class BulkApproveForm(HubForm):
    entry_ids = SelectMultipleField(
        "Hours to approve",
        coerce=int,
        validate_choice=False,
        validators=[DataRequired("Choose the hours to approve")],
    )
    back = HiddenField()

    def validate_entry_ids(self, field: SelectMultipleField) -> None:
        if any(not 1 <= number <= MAX_ID for number in field.data or []):
            raise ValidationError("Choose the hours from the list")
        if len(field.data or []) > MOST_AT_ONCE:
            raise ValidationError(f"Approve at most {MOST_AT_ONCE} entries at a time")


class DecideForm(HubForm):
    """The verifier's three buttons (`decision`) and the message for the volunteer."""

    decision = SelectField(
        "Decision",
        choices=[SelectChoice(name) for name in DECISIONS],
        invalid_choice_message="Use one of the buttons: approve, query or reject",
    )
    message = TextAreaField(
        "Message for the volunteer",
        validators=[max_length(MESSAGE_LENGTH, "The message")],
        description="Needed to query the hours (what they should check) or to reject them "
        "(why). The volunteer sees it.",
        render_kw={"rows": 3},
    )
    next = HiddenField()

    def validate_message(self, field: TextAreaField) -> None:
        if field.data or field.errors:
            return
        if self.decision.data == "query":
            raise ValidationError("Say what the volunteer should check.")
        if self.decision.data == "reject":
            raise ValidationError("Say why these hours are not accepted.")


class ReverseForm(HubForm):
    reason = TextAreaField(
        "Why the decision is reversed",
        validators=[
            DataRequired("Say why the decision is reversed."),
            max_length(MESSAGE_LENGTH, "The reason"),
        ],
        description="The volunteer is emailed this. The hours then wait to be verified again.",
        render_kw={"rows": 3},
    )
    next = HiddenField()


class LogForForm(HubForm):
    """Hours for one volunteer's placement, approved as they are logged."""

    placement = SelectField(
        "Volunteer and role",
        coerce=str,
        validators=[DataRequired("Choose the volunteer and role")],
        invalid_choice_message="Choose the volunteer and role from the list",
    )
    worked_on = worked_on_field()
    hours = hours_field()
    note = _note()

    def offer(self, placements: list[Placement]) -> None:
        self.placement.choices = [
            SelectChoice("", "Choose a volunteer"),
            *(SelectChoice(str(p.id), placement_label(p)) for p in placements),
        ]


def placement_label(placement: Placement) -> str:
    """The volunteer (or their group) and the role, as a coordinator knows them."""
    who = placement.volunteer.name if placement.volunteer else "Deleted account"
    if placement.is_group:
        who = f"{placement.group_name} (group of {placement.headcount}, led by {who})"
    return f"{who}: {placement.role.title}"


class GridChoiceForm(HubForm):
    """The grid's role and day (a GET form); the role choices are filled in by the view."""

    class Meta:
        csrf = False

    role = SelectField(
        "Role",
        validators=[DataRequired("Choose the role")],
        invalid_choice_message="Choose a role from the list",
    )
    day = DateField(
        "Date",
        validators=[DataRequired("Enter the date everyone volunteered")],
        invalid_value_message="The date must be a real date, like 2026-11-20",
    )

    def validate_day(self, field: DateField) -> None:
        if field.data and field.data > local_today():
            raise ValidationError("The date cannot be in the future")


class GridForm(HubForm):
    """One hours box per placement (`hours_<placement id>`, blank to skip) and one note."""

    note = _note()

    def rows(self) -> list[tuple[int, HoursField]]:
        return [
            (int(name.removeprefix("hours_")), field)
            for name, field in self._fields.items()
            if name.startswith("hours_")
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if valid and not any(field.quarters for _, field in self.rows()):
            self.form_errors.append("Enter the hours for at least one volunteer")
            return False
        return valid


def grid_form_for(placements: list[Placement]) -> GridForm:
    class Grid(GridForm):
        pass

    for placement in placements:
        field = HoursField(
            placement_label(placement).rsplit(": ", 1)[0],
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )
        setattr(Grid, f"hours_{placement.id}", field)
    return Grid()


class TotalsForm(HubForm):
    """The months the totals cover (a GET form)."""

    class Meta:
        csrf = False

    start = MonthField(
        "From (month)",
        validators=[Optional()],
        description="Like 2026-04. Leave empty to start from the first hours.",
        invalid_value_message="The month must be a real month, like 2026-04",
    )
    end = MonthField(
        "To (month)",
        validators=[Optional()],
        description="Like 2027-03. Leave empty to count up to now.",
        invalid_value_message="The month must be a real month, like 2027-03",
    )

    def validate_end(self, field: MonthField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The last month must be on or after the first")

    def months(self) -> tuple[date | None, date | None]:
        if not self.validate():
            return None, None
        return self.start.data, self.end.data
