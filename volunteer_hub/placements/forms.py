"""Forms of applying, deciding and answering."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import HubForm, max_length
from ..roles.forms import WholeNumberField
from ..roles.models import Role
from ..urls import MAX_ID
from .models import MAX_QUESTIONS, STATUS_LABELS, RoleQuestion
from .queries import QueueFilters
from .services import DECISIONS, ENDINGS, Application


class ApplyForm(HubForm):
    """The volunteer's note and, on roles that welcome groups, the group they apply for."""

    note = TextAreaField(
        "Why you would like to help (optional)",
        validators=[max_length(2_000, "Your note")],
        description="A few lines about yourself, and when you could start.",
        render_kw={"rows": 5},
    )
    as_group = RadioField(
        "Who is applying",
        choices=[SelectChoice("me", "Just me"), SelectChoice("group", "A group I lead")],
        default="me",
        invalid_choice_message="Choose who is applying",
    )
    group_name = StringField(
        "Name of the group (optional unless a group is applying)",
        validators=[max_length(200, "Name of the group")],
        description="For example: Acme Ltd volunteering team.",
    )
    headcount = WholeNumberField(
        "How many people, including you",
        what="How many people",
        render_kw={"inputmode": "numeric"},
    )
    group_of_age = BooleanField("Everyone in the group meets the role's minimum age")
    join_waiting_list = BooleanField("Put me on the waiting list")

    def __init__(self, *args: Any, role: Role, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not role.groups_welcome:
            del self.as_group, self.group_name, self.headcount, self.group_of_age
            return
        largest = min(role.max_group_size or role.places, role.places)
        self.headcount.description = f"Groups of 2 to {largest} people."
        if role.minimum_age is None:
            del self.group_of_age
        else:
            self.group_of_age.label.text = (
                f"Everyone in the group is aged {role.minimum_age} or over"
            )

    @property
    def is_group(self) -> bool:
        return "as_group" in self._fields and self.as_group.data == "group"

    def validate_group_name(self, field: StringField) -> None:
        if self.is_group and not field.data:
            raise ValidationError("Enter the name of the group")

    def validate_headcount(self, field: WholeNumberField) -> None:
        """Only for a group; one message at a time (a word typed is already an error)."""
        if not self.is_group or field.process_errors:
            return
        if field.data is None:
            raise ValidationError("Enter how many people are in the group")
        if field.data < 2:
            raise ValidationError("A group is at least 2 people: apply just for yourself")

    def application(self) -> Application:
        group = self.is_group
        answers = tuple(
            field.data or "" for name, field in self._fields.items() if name.startswith("answer_")
        )
        return Application(
            answers=answers,
            note=self.note.data or "",
            headcount=(self.headcount.data or 1) if group else 1,
            group_name=(self.group_name.data or None) if group else None,
            join_waiting_list=self.join_waiting_list.data,
            group_of_age=group and "group_of_age" in self._fields and self.group_of_age.data,
        )


def apply_form_for(role: Role, questions: list[RoleQuestion]) -> ApplyForm:
    """The apply form with a required answer box for each of the role's questions."""
    if not questions:
        return ApplyForm(role=role)

    class WithQuestions(ApplyForm):
        pass

    for question in questions:
        field = TextAreaField(
            question.text,
            validators=[
                DataRequired(f"Answer: {question.text}"),
                max_length(2_000, f"Your answer to question {question.position}"),
            ],
            render_kw={"rows": 3},
        )
        setattr(WithQuestions, f"answer_{question.position}", field)
    return WithQuestions(role=role)


class QuestionsForm(HubForm):
    """Up to five questions every applicant answers (`question_1` ...); empty boxes ask
    nothing."""

    def texts(self) -> list[str]:
        return [field.data or "" for field in self if field.name.startswith("question_")]


for _number in range(1, MAX_QUESTIONS + 1):
    setattr(
        QuestionsForm,
        f"question_{_number}",
        StringField(f"Question {_number}", validators=[max_length(300, f"Question {_number}")]),
    )


class DecisionForm(HubForm):
    """A decider's buttons. The ready-made messages (`template`) are filled in by the view:
    declining with the message box empty sends the chosen one."""

    decision = SelectField(
        "Decision",
        choices=[SelectChoice(name) for name in DECISIONS],
        invalid_choice_message="Choose what to do with the application",
    )
    template = RadioField(
        "To decline: start from a ready-made message (optional)",
        invalid_choice_message="Choose one of the messages shown",
        validators=[Optional()],
    )
    message = TextAreaField(
        "Message for the volunteer",
        validators=[max_length(2_000, "Message")],
        description=(
            "Needed to ask for more information, and to decline unless you chose a ready-made "
            "message. The volunteer sees it."
        ),
        render_kw={"rows": 4},
    )
    reason = TextAreaField(
        "Reason, for the record (optional)",
        validators=[max_length(2_000, "Reason")],
        description=(
            "Seen by the organisation and hub staff, and by the volunteer only if they ask "
            "for a copy of their data."
        ),
        render_kw={"rows": 2},
    )
    training_override = TextAreaField(
        "Approve without the required training: why (hub staff only)",
        validators=[max_length(2_000, "Reason")],
        description="Only when approving someone who has not yet done the training this role "
        "requires. Recorded in the audit trail.",
        render_kw={"rows": 2},
    )


class EndForm(HubForm):
    reason = RadioField(
        "Why the placement ended",
        choices=[SelectChoice(code, label) for code, label in ENDINGS.items()],
        invalid_choice_message="Choose why the placement ended",
        validators=[DataRequired("Choose why the placement ended")],
    )


class AnswerForm(HubForm):
    answer = TextAreaField(
        "Your answer",
        validators=[DataRequired("Write your answer"), max_length(2_000, "Your answer")],
        render_kw={"rows": 5},
    )


class WithdrawForm(HubForm):
    """Sent by the Withdraw button, which says `confirm=yes`: a post without it changes
    nothing."""

    message = TextAreaField(
        "Anything you would like to tell them (optional)",
        validators=[max_length(2_000, "Your message")],
        render_kw={"rows": 3},
    )
    confirm = HiddenField()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.confirm.data != "yes":
            self.form_errors.append("Use the Withdraw button to withdraw.")
            return False
        return valid


class OfferForm(HubForm):
    """The two buttons of an offered place: `take` is yes (accept) or no (turn it down)."""

    take = RadioField(
        "Do you want the place?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        invalid_choice_message="Choose whether you want the place",
        validators=[DataRequired("Choose whether you want the place")],
    )


class ApplicantFilterForm(HubForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Open applications"), SelectChoice("all", "All")]
        + [SelectChoice(str(status), label) for status, label in STATUS_LABELS.items()],
        invalid_choice_message="Choose a status from the list",
        default="",
    )


class StaffQueueForm(HubForm):
    """The staff queue's filters (a GET form: it changes nothing). The category and
    locality choices are filled in by the view."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Waiting for a decision"), SelectChoice("all", "Any status")]
        + [SelectChoice(str(status), label) for status, label in STATUS_LABELS.items()],
        invalid_choice_message="Choose a status from the list",
        default="",
    )
    organisation = StringField(
        "Organisation name", validators=[Optional(), max_length(200, "Organisation name")]
    )
    category = SelectField(
        "Kind of volunteering", invalid_choice_message="Choose from the list", default=""
    )
    locality = SelectField("Area", invalid_choice_message="Choose from the list", default="")
    overdue = BooleanField("Overdue only")

    def filters(self) -> QueueFilters:
        valid = self.validate()
        if not valid:
            return QueueFilters()
        return QueueFilters(
            status=self.status.data or "",
            organisation=self.organisation.data or "",
            category_id=int(self.category.data) if self.category.data else None,
            locality_id=int(self.locality.data) if self.locality.data else None,
            overdue=bool(self.overdue.data),
        )


class BulkApproveForm(HubForm):
    placement_ids = SelectMultipleField(
        "Applications to approve",
        coerce=int,
        validate_choice=False,
        validators=[DataRequired("Choose the applications to approve")],
    )
    back = HiddenField()

    def validate_placement_ids(self, field: SelectMultipleField) -> None:
        if any(not 1 <= number <= MAX_ID for number in field.data or []):
            raise ValidationError("Choose the applications from the list")
