"""Reading a CSV of hours: the file's text (UTF-8, with or without a byte-order mark), its
headings in any order, and its rows numbered as a spreadsheet numbers them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from ..auth.models import User
from ..placements.models import Placement
from ..roles.models import Role

MAX_BYTES = 1_000_000
# Importing takes about 3 ms a row (each with its history, audit and rollups): 2,000 rows
# take some 5 to 7 seconds on SQLite and PostgreSQL, well inside a worker's time limit.
MAX_ROWS = 2_000
# The headings a file may use for each column (compared in lower case, spaces squeezed).
HEADINGS = {
    "volunteer email": "email",
    "email": "email",
    "role": "role",
    "date": "date",
    "hours": "hours",
    "note": "note",
    "notes": "note",
}
REQUIRED = ("email", "role", "date", "hours")


class FileRefused(Exception):
    """A file that cannot be read as a whole, with the reason in plain words."""


@dataclass
class ImportRow:
    """One row of the file: what it says, what it means once checked, and its problems."""

    number: int  # the row as a spreadsheet numbers it: the headings are row 1
    email: str
    role_text: str
    date_text: str
    hours_text: str
    note: str
    volunteer: User | None = None
    role: Role | None = None
    placement: Placement | None = None
    worked_on: date | None = None
    quarters: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int, date, int] | None:
        """What makes two rows the same hours."""
        if self.volunteer is None or self.role is None or self.worked_on is None:
            return None
        if self.quarters is None:
            return None
        return (self.volunteer.id, self.role.id, self.worked_on, self.quarters)


def decode(data: bytes) -> str:
    """The uploaded file's text: UTF-8, with or without a byte-order mark."""
    if not data.strip():
        raise FileRefused("The file is empty. Choose a CSV file with a row for each entry.")
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"The file must be 1 MB or smaller (up to {MAX_ROWS:,} rows). Split it into "
            "smaller files and import each."
        )
    if b"\x00" in data:
        raise FileRefused("The file must be a CSV file: this one is not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "The file must be a CSV file saved as UTF-8. In Excel, choose Save As, then "
            '"CSV UTF-8 (Comma delimited)".'
        ) from None


def read_rows(text: str) -> list[ImportRow]:
    """The file's rows under its headings; blank rows are skipped, but counted, so that row
    numbers match the spreadsheet's."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise FileRefused("The file is empty. Choose a CSV file with a row for each entry.")
    if len(text.encode()) > MAX_BYTES:
        raise FileRefused("The file must be 1 MB or smaller. Split it into smaller files.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        records = list(reader)
    except csv.Error:
        raise FileRefused(
            f"Row {reader.line_num} cannot be read as CSV. Check its quotation marks, or "
            "save the file from your spreadsheet again as CSV."
        ) from None
    columns = _columns(records[0])
    rows: list[ImportRow] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) == MAX_ROWS:
            raise FileRefused(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
            )
        rows.append(_row(number, record, columns))
    if not rows:
        raise FileRefused("The file has headings but no rows of hours under them.")
    return rows


def _delimiter(text: str) -> str:
    """Commas, or the semicolons or tabs some spreadsheets save with, told by the headings."""
    headings = text.splitlines()[0]
    if "," in headings:
        return ","
    return max((";", "\t"), key=headings.count) if (";" in headings or "\t" in headings) else ","


def _columns(headings: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(headings):
        name = HEADINGS.get(" ".join(heading.lower().split()))
        if name is not None and name not in found:
            found[name] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise FileRefused(
            "The first row must name the columns: volunteer email, role, date, hours and "
            f"note. Missing: {', '.join(missing)}."
        )
    return found


def _row(number: int, record: list[str], columns: dict[str, int]) -> ImportRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        value = record[index] if index is not None and index < len(record) else ""
        return value.replace("\r\n", "\n").strip()

    return ImportRow(
        number=number,
        email=cell("email").lower(),
        role_text=cell("role"),
        date_text=cell("date"),
        hours_text=cell("hours"),
        note=cell("note"),
    )
