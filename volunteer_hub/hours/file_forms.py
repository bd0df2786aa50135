"""Forms of the hours files: the CSV to import, the import's confirmation, and the export's
filters (a GET form: it changes nothing, so it has no CSRF token)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import HubForm, max_length
from .exports import ANY_STATUS
from .import_file import MAX_BYTES, MAX_ROWS, FileRefused, decode
from .models import STATUS_LABELS, HoursStatus


class ImportForm(HubForm):
    """The CSV file; `text` holds its contents once they have been read."""

    csv_file = FileField(
        "CSV file",
        validators=[FileRequired("Choose the CSV file of hours to import")],
        description=f"A .csv file of up to {MAX_ROWS:,} rows (1 MB), saved as UTF-8.",
        render_kw={"accept": ".csv,text/csv"},
    )

    text = ""

    def validate_csv_file(self, field: FileField) -> None:
        data = field.data.stream.read(MAX_BYTES + 1)  # no more than enough to refuse it
        try:
            self.text = decode(data)
        except FileRefused as refused:
            raise ValidationError(str(refused)) from refused


class ConfirmImportForm(HubForm):
    """The file's text, carried from the preview; it is read and checked again."""

    csv_text = HiddenField(validators=[DataRequired("Upload the CSV file again")])


STATUS_CHOICES = [
    SelectChoice(str(HoursStatus.APPROVED), "Verified"),
    SelectChoice(str(HoursStatus.PENDING), STATUS_LABELS[HoursStatus.PENDING]),
    SelectChoice(str(HoursStatus.QUERIED), "Queried"),
    SelectChoice(str(HoursStatus.REJECTED), STATUS_LABELS[HoursStatus.REJECTED]),
    SelectChoice(ANY_STATUS, "Any status"),
]


def _date_field(label: str, name: str) -> DateField:
    return DateField(
        label,
        name=name,
        validators=[Optional()],
        invalid_value_message="The date must be a real date, like 2026-03-14",
        render_kw={"type": "date"},
    )


class ExportForm(HubForm):
    """The export's filters; the view fills in the role and category choices (or, for staff,
    takes the role as text, by the last part of its web address)."""

    class Meta:
        csrf = False

    start = _date_field("From", "from")
    end = _date_field("To", "to")
    status = SelectField(
        "Status",
        choices=STATUS_CHOICES,
        default=str(HoursStatus.APPROVED),
        description="Only verified hours, unless you choose otherwise.",
        invalid_choice_message="Choose a status from the list",
    )
    role = SelectField("Role", default="", invalid_choice_message="Choose a role from the list")
    category = SelectField(
        "Kind of volunteering", default="", invalid_choice_message="Choose from the list"
    )

    def validate_end(self, field: DateField) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end date must be the same as or after the start date")


class StaffExportForm(ExportForm):
    role = StringField(
        "Role (optional)",
        validators=[Optional(), max_length(140, "The role")],
        description="The last part of the role's web address, like park-volunteer.",
    )
