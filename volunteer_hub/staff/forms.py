"""Staff forms: recording checks, finding volunteers, changing an account's access level."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..auth.models import AccessLevel
from ..clock import local_today
from ..forms import HubForm, max_length
from ..volunteers.models import CHECK_LEVEL_LABELS, CheckKind

EARLIEST_CERTIFICATE = date(2002, 1, 1)  # the Criminal Records Bureau's first certificates


class CheckForm(HubForm):
    kind = SelectField(
        "Kind of check",
        choices=[
            SelectChoice(CheckKind.DBS, "DBS (England and Wales)"),
            SelectChoice(CheckKind.PVG, "PVG (Scotland)"),
            SelectChoice(CheckKind.ACCESSNI, "AccessNI (Northern Ireland)"),
        ],
    )
    level = SelectField(
        "Level",
        choices=[SelectChoice(str(level), label) for level, label in CHECK_LEVEL_LABELS.items()],
    )
    certificate_number = StringField(
        "Certificate number",
        validators=[
            DataRequired("Enter the certificate number"),
            Length(min=6, max=40, message="Certificate number must be 6 to 40 characters"),
            Regexp(
                r"^[A-Za-z0-9 -]+$",
                message="Certificate number can only contain letters, numbers, spaces and hyphens",
            ),
        ],
    )
    issued_on = DateField(
        "Date issued",
        validators=[InputRequired("Enter the date the certificate was issued")],
    )
    update_service = BooleanField("The volunteer is on the DBS Update Service (DBS checks only)")
    last_status_check_on = DateField(
        "Date of the last Update Service status check (optional)", validators=[Optional()]
    )

    def validate_issued_on(self, field: Any) -> None:
        if field.data and field.data > local_today():
            raise ValidationError("Date issued must be today or in the past")
        if field.data and field.data < EARLIEST_CERTIFICATE:
            raise ValidationError("Date issued must be in 2002 or later")

    def validate_last_status_check_on(self, field: Any) -> None:
        if field.data is None:
            return
        if field.data > local_today():
            raise ValidationError("Status check date must be today or in the past")
        if self.issued_on.data and field.data < self.issued_on.data:
            raise ValidationError("Status check date must be on or after the date issued")
        if not self.update_service.data:
            raise ValidationError("A status check needs the volunteer to be on the Update Service")

    def validate_update_service(self, field: Any) -> None:
        if field.data and self.kind.data != CheckKind.DBS:
            raise ValidationError("Only DBS certificates can be on the DBS Update Service")


class VolunteerSearchForm(HubForm):
    class Meta:
        csrf = False

    q = StringField("Name or email", validators=[Optional(), max_length(200, "Search")])


class AccessLevelForm(HubForm):
    access_level = SelectField(
        "Access level",
        choices=[
            SelectChoice(AccessLevel.MEMBER, "Member (volunteer, coordinator or judge)"),
            SelectChoice(AccessLevel.STAFF, "Hub staff"),
            SelectChoice(AccessLevel.ADMIN, "Admin"),
        ],
    )
