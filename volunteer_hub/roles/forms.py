"""The role form (writing an advert) and the small forms of the moderation pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ..auth.forms import PostcodeField
from ..clock import local_today
from ..forms import HubForm, max_length
from ..volunteers.models import CHECK_LEVEL_LABELS
from .models import STATUS_LABELS, Attendance, Commitment, Decider
from .services import ACTIONS, RoleDetails


class WholeNumberField(IntegerField):
    """A whole number; nothing typed is `None` rather than an error."""

    data: int | None

    def __init__(self, label: str, *args: Any, what: str, **kwargs: Any) -> None:
        message = f"{what} must be a whole number, like 5"
        super().__init__(label, *args, invalid_value_message=message, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata([str(valuelist[0]).strip()] if valuelist else valuelist)


def _day(label: str, what: str, **kwargs: Any) -> DateField:
    message = f"{what} must be a real date, like 2026-03-27"
    return DateField(label, validators=[Optional()], invalid_value_message=message, **kwargs)


def _boxes(label: str) -> SelectMultipleField:
    return SelectMultipleField(
        label, coerce=str, invalid_choice_message="Choose only from the boxes shown"
    )


def _radios(label: str, choices: list[SelectChoice], message: str, **kwargs: Any) -> RadioField:
    return RadioField(label, choices=choices, invalid_choice_message=message, **kwargs)


class RoleForm(HubForm):
    """Every detail of a role, in page order (the error summary follows this order).

    The choices of the select and checkbox fields come from the database: `role_form` in
    the views fills them in.
    """

    title = StringField(
        "Title",
        validators=[DataRequired("Enter a title"), max_length(200, "Title")],
        description="What the volunteer will do, like “Library reading buddy”.",
    )
    summary = TextAreaField(
        "Summary",
        validators=[DataRequired("Enter a summary"), max_length(300, "Summary")],
        description="One or two sentences shown in search results. 300 characters or fewer.",
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        "Description",
        validators=[DataRequired("Enter a description"), max_length(10_000, "Description")],
        description=(
            "What the volunteer will do, who they will work with and what support they get. "
            "You can use Markdown: **bold**, *italics*, lists starting with - or 1., "
            "## headings and [links](https://example.org). Pictures and HTML are not shown."
        ),
        render_kw={"rows": 10},
    )
    category = SelectField(
        "Category",
        coerce=str,
        default="",
        validators=[DataRequired("Choose a category")],
        invalid_choice_message="Choose a category from the list",
    )
    causes = _boxes("Causes it helps (optional)")
    skills = _boxes("Skills volunteers will use or learn (optional)")

    attendance = _radios(
        "Where volunteers take part",
        [
            SelectChoice(Attendance.IN_PERSON, "In person"),
            SelectChoice(Attendance.REMOTE, "Remotely, from home"),
            SelectChoice(Attendance.HYBRID, "Both in person and remotely"),
        ],
        "Choose where volunteers take part",
    )
    locality = SelectField(
        "Area (optional)",
        coerce=str,
        default="",
        invalid_choice_message="Choose an area from the list",
    )
    address = TextAreaField(
        "Address",
        validators=[max_length(500, "Address")],
        description="Needed for in person and hybrid roles. Leave out the postcode.",
        render_kw={"rows": 3, "autocomplete": "street-address"},
    )
    postcode = PostcodeField(
        "Postcode",
        description="Needed for in person and hybrid roles.",
        render_kw={"autocomplete": "postal-code", "class": "input-width-10"},
    )

    commitment = _radios(
        "How often",
        [
            SelectChoice(Commitment.ONE_OFF, "One-off (a single day or event)"),
            SelectChoice(Commitment.REGULAR, "Regular"),
        ],
        "Choose whether the role is one-off or regular",
    )
    commitment_text = StringField(
        "Time needed, in a few words",
        validators=[DataRequired("Enter the time needed"), max_length(120, "Time needed")],
        description="For example, “3 hours a week” or “one Saturday in June”.",
    )
    periods = _boxes("When it happens (optional)")
    starts_on = _day("Start date (optional)", "Start date")
    ends_on = _day("End date (optional)", "End date")
    apply_by = _day(
        "Closing date for applications (optional)",
        "Closing date",
        description="The advert closes at the end of this day.",
    )
    places = WholeNumberField(
        "Number of volunteers needed",
        validators=[
            InputRequired("Enter how many volunteers you need"),
            NumberRange(1, 500, "Number of volunteers needed must be between 1 and 500"),
        ],
        what="Number of volunteers needed",
        render_kw={"inputmode": "numeric"},
    )

    minimum_age = WholeNumberField(
        "Minimum age",
        validators=[
            InputRequired("Enter the minimum age, like 18"),
            NumberRange(14, 99, "Minimum age must be between 14 and 99"),
        ],
        default=18,
        what="Minimum age",
        description=(
            "Most roles are for people aged 18 or over. Some accept people aged 14 to 17, "
            "with a parent's or carer's consent."
        ),
        render_kw={"inputmode": "numeric"},
    )
    dbs_level = SelectField(
        "DBS check needed (optional)",
        coerce=str,
        default="",
        invalid_choice_message="Choose a DBS check from the list",
        choices=[
            SelectChoice("", "No DBS check needed"),
            *(SelectChoice(str(level), label) for level, label in CHECK_LEVEL_LABELS.items()),
        ],
        description=(
            "Set by the organisation or hub staff, never by the volunteer. Only ask for a barred "
            "list check when the role is regulated activity with children or adults."
        ),
    )
    requirements = _boxes("What volunteers need (optional)")
    courses = _boxes("Training volunteers must complete before they start (optional)")
    groups_welcome = BooleanField("Groups are welcome, such as a team from a local employer")
    max_group_size = WholeNumberField(
        "Largest group you can take",
        what="Largest group",
        description="Needed when groups are welcome.",
        render_kw={"inputmode": "numeric"},
    )
    decided_by = _radios(
        "Who decides on applications",
        [
            SelectChoice(Decider.ORGANISATION, "The organisation"),
            SelectChoice(Decider.HUB, "Hub staff"),
        ],
        "Choose who decides on applications",
    )

    rewards = _boxes("What volunteers get (optional)")
    accessibility = _boxes("Accessibility (optional)")
    accessibility_notes = TextAreaField(
        "Accessibility notes (optional)",
        validators=[max_length(2_000, "Accessibility notes")],
        description="For example, step-free entrance, hearing loop, or seated work available.",
        render_kw={"rows": 4},
    )

    def validate_address(self, field: Any) -> None:
        if self.attendance.data != Attendance.REMOTE and not field.data:
            raise ValidationError("Enter the address where volunteers will go")

    def validate_postcode(self, field: Any) -> None:
        if self.attendance.data != Attendance.REMOTE and not field.data and not field.errors:
            raise ValidationError("Enter the postcode where volunteers will go")

    def validate_ends_on(self, field: Any) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("End date must be the same as or after the start date")
        self._not_newly_past(field, "End date")

    def validate_apply_by(self, field: Any) -> None:
        if field.data and self.ends_on.data and field.data > self.ends_on.data:
            raise ValidationError("Closing date must be on or before the end date")
        self._not_newly_past(field, "Closing date")

    original_dates: dict[str, date | None] | None = None

    def keep_dates_of(self, details: RoleDetails) -> None:
        """Editing: the stored end and closing dates are accepted even once past."""
        self.original_dates = {"ends_on": details.ends_on, "apply_by": details.apply_by}

    def _not_newly_past(self, field: Any, what: str) -> None:
        """A date already stored may stay as it is; a new one may not be in the past."""
        original = (self.original_dates or {}).get(field.name)
        if field.data and field.data < local_today() and field.data != original:
            raise ValidationError(f"{what} must be today or in the future")

    def validate_max_group_size(self, field: Any) -> None:
        if not self.groups_welcome.data or field.errors:
            return
        if field.data is None:
            raise ValidationError("Enter the largest group you can take")
        if not 2 <= field.data <= 100:
            raise ValidationError("Largest group must be between 2 and 100")

    def details(self) -> RoleDetails:
        """What was typed, as the services take it (after `validate`)."""

        def ids(field: SelectMultipleField) -> list[int]:
            return [int(value) for value in field.data or []]

        return RoleDetails(
            title=self.title.data,
            summary=self.summary.data,
            description=self.description.data,
            category_id=int(self.category.data),
            locality_id=int(self.locality.data) if self.locality.data else None,
            attendance=self.attendance.data,
            address=self.address.data or "",
            postcode=self.postcode.data,
            commitment=self.commitment.data,
            commitment_text=self.commitment_text.data,
            periods=list(self.periods.data or []),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            apply_by=self.apply_by.data,
            places=self.places.data or 1,  # required: never None here
            minimum_age=self.minimum_age.data,
            dbs_level=self.dbs_level.data or None,
            skill_ids=ids(self.skills),
            cause_ids=ids(self.causes),
            requirement_ids=ids(self.requirements),
            course_ids=ids(self.courses),
            reward_ids=ids(self.rewards),
            accessibility_ids=ids(self.accessibility),
            accessibility_notes=self.accessibility_notes.data or "",
            groups_welcome=bool(self.groups_welcome.data),
            max_group_size=self.max_group_size.data if self.groups_welcome.data else None,
            decided_by=self.decided_by.data,
        )


def form_data(details: RoleDetails) -> dict[str, Any]:
    """A role's stored details as the form's starting values."""

    def ids(values: list[int]) -> list[str]:
        return [str(value) for value in values]

    return {
        "title": details.title,
        "summary": details.summary,
        "description": details.description,
        "category": str(details.category_id),
        "locality": str(details.locality_id or ""),
        "attendance": details.attendance,
        "address": details.address,
        "postcode": details.postcode,
        "commitment": details.commitment,
        "commitment_text": details.commitment_text,
        "periods": details.periods,
        "starts_on": details.starts_on,
        "ends_on": details.ends_on,
        "apply_by": details.apply_by,
        "places": details.places,
        "minimum_age": details.minimum_age,
        "dbs_level": details.dbs_level or "",
        "skills": ids(details.skill_ids),
        "causes": ids(details.cause_ids),
        "requirements": ids(details.requirement_ids),
        "courses": ids(details.course_ids),
        "rewards": ids(details.reward_ids),
        "accessibility": ids(details.accessibility_ids),
        "accessibility_notes": details.accessibility_notes,
        "groups_welcome": details.groups_welcome,
        "max_group_size": details.max_group_size,
        "decided_by": details.decided_by,
    }


NEW_ROLE_DEFAULTS = {
    "attendance": Attendance.IN_PERSON,
    "commitment": Commitment.REGULAR,
    "decided_by": Decider.ORGANISATION,
    "places": 1,
}


class StatusForm(HubForm):
    """A button of the management page: which action, and a comment for the organisation."""

    action = SelectField(
        "Action",
        choices=[SelectChoice(name) for name in ACTIONS],
        invalid_choice_message="Choose what to do with the role",
    )
    seen = HiddenField()  # the version of the role on the page (`services.version_of`)
    comment = TextAreaField(
        "Comment for the organisation",
        validators=[max_length(2_000, "Comment")],
        description="Needed to ask for changes or to reject the role. The organisation sees it.",
        render_kw={"rows": 4},
    )


class ConfirmForm(HubForm):
    """A form with only its CSRF token: a button."""


class QueueFilterForm(HubForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        coerce=str,
        choices=[
            SelectChoice("", "Any status"),
            *(SelectChoice(str(status), label) for status, label in STATUS_LABELS.items()),
        ],
        validators=[Optional()],
    )
    organisation = StringField(
        "Organisation name", validators=[Optional(), max_length(200, "Organisation name")]
    )
