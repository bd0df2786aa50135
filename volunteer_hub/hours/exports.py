"""Hours as CSV: a volunteer's own, an organisation's and the whole hub's, filtered by date,
status, role and category. Only verified hours are exported unless another status is chosen.

The file is streamed: rows are read in batches of plain columns (no objects, one query) and
written as they come, so a large export never sits whole in memory. Cells go through
`csvexport.safe_cell`, so a note like `=CMD()` opens as text in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session, aliased

from ..auth.models import User
from ..clock import hub_zone
from ..csvexport import safe_cell
from ..extensions import db
from ..organisations.models import Organisation
from ..reference.models import Category, Locality
from ..roles.models import Role
from .models import QUARTERS_PER_HOUR, STATUS_LABELS, HoursEntry, HoursStatus

# The export's query: a select of plain columns.
Entries = Select[*tuple[Any, ...]]

ANY_STATUS = "all"
BATCH = 1_000  # rows fetched, and written out, at a time

HEADER = ["Date", "Volunteer", "Email", "Organisation", "Role", "Category", "Locality"]
HEADER += ["Hours", "Status", "Note", "Verified by", "Verified at"]


@dataclass(frozen=True)
class HoursFilters:
    """What to export. `status` is one of the entry statuses, or `ANY_STATUS`."""

    start: date | None = None
    end: date | None = None
    status: str = HoursStatus.APPROVED
    role_id: int | None = None
    category_id: int | None = None
    organisation_id: int | None = None


def export_query(filters: HoursFilters, *, volunteer_id: int | None = None) -> Entries:
    """The entries' columns, oldest first: the volunteer's own when `volunteer_id` is given."""
    volunteer = aliased(User, name="volunteer")
    verifier = aliased(User, name="verifier")
    query: Entries = (
        select(
            HoursEntry.worked_on,
            volunteer.name,
            volunteer.email,
            volunteer.deleted_at,
            Organisation.name,
            Role.title,
            Category.name,
            Locality.name,
            HoursEntry.quarters,
            HoursEntry.status,
            HoursEntry.note,
            verifier.name,
            HoursEntry.verified_at,
        )
        .join(volunteer, volunteer.id == HoursEntry.volunteer_id)
        .join(Role, Role.id == HoursEntry.role_id)
        .join(Organisation, Organisation.id == Role.organisation_id)
        .join(Category, Category.id == Role.category_id)
        .outerjoin(Locality, Locality.id == Role.locality_id)
        .outerjoin(verifier, verifier.id == HoursEntry.verified_by_id)
        .order_by(HoursEntry.worked_on, HoursEntry.id)
    )
    if volunteer_id is not None:
        query = query.where(HoursEntry.volunteer_id == volunteer_id)
    if filters.status != ANY_STATUS:
        query = query.where(HoursEntry.status == filters.status)
    if filters.start is not None:
        query = query.where(HoursEntry.worked_on >= filters.start)
    if filters.end is not None:
        query = query.where(HoursEntry.worked_on <= filters.end)
    if filters.role_id is not None:
        query = query.where(HoursEntry.role_id == filters.role_id)
    if filters.category_id is not None:
        query = query.where(Role.category_id == filters.category_id)
    if filters.organisation_id is not None:
        query = query.where(Role.organisation_id == filters.organisation_id)
    return query


def decimal_hours(quarters: int) -> str:
    """2, 1.5, 0.25: hours as a spreadsheet reads a number."""
    return str(Decimal(quarters) / QUARTERS_PER_HOUR)


def _cells(row: Any, with_email: bool, zone: ZoneInfo) -> list[Any]:
    (worked_on, name, email, deleted_at, organisation, role, category, locality) = row[:8]
    quarters, status, note, verified_by, verified_at = row[8:]
    decided = status != HoursStatus.PENDING
    cells = [
        worked_on.isoformat(),
        name,
        "" if deleted_at is not None else email,
        organisation,
        role,
        category,
        locality or "",
        decimal_hours(quarters),
        STATUS_LABELS[HoursStatus(status)],
        note,
        (verified_by or "") if decided else "",
        verified_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if decided and verified_at else "",
    ]
    if not with_email:
        del cells[2]
    return cells


def header(*, with_email: bool) -> list[str]:
    return HEADER if with_email else [name for name in HEADER if name != "Email"]


def csv_lines(engine: Engine, query: Entries, *, with_email: bool, zone: ZoneInfo) -> Iterator[str]:
    """The CSV's text in pieces: a byte-order mark (Excel needs it to read accents) and the
    headings, then the rows a batch at a time. Nothing here may need the app: the request,
    its session and its app context have ended by the time the file is sent, so the rows
    are read in a session of the generator's own and times shown in the `zone` given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(header(with_email=with_email))
    with Session(engine) as session:
        result = session.execute(query.execution_options(yield_per=BATCH))
        for batch in result.partitions():
            for row in batch:
                cells = _cells(row, with_email, zone)
                writer.writerow([safe_cell(value) for value in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def hours_csv(filename: str, query: Entries, *, with_email: bool = True) -> Response:
    """A streamed CSV attachment of the query's entries."""
    return Response(
        csv_lines(db.engine, query, with_email=with_email, zone=hub_zone()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
