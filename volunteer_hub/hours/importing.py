"""Importing hours from a spreadsheet: a coordinator's CSV (volunteer email, role, date,
hours, note) is read and checked whole, shown as a preview, and imported all or none, each
row as hours the coordinator logs (approved at once) through `services.log_many`, which
checks each row as `log_hours` does.

The preview only shows what would happen; the import reads and checks the same text again,
under the volunteers' row locks, and refuses the whole file if any row fails. A row that
repeats hours already recorded (same volunteer, role, date and hours, not rejected), or an
earlier row of the file, is refused: importing the same file twice never doubles anyone's
hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import can_coordinate
from ..placements.models import Placement
from ..roles.models import Role
from .import_file import ImportRow, read_rows
from .models import HoursEntry, HoursStatus
from .rollup import lock_volunteers
from .services import (
    NOTE_LENGTH,
    VERIFIER_LOGS,
    EntryInvalid,
    HoursRefused,
    RowsRefused,
    check_entry,
    log_many,
    logging_window,
    parse_hours,
)

EMAIL_LENGTH = 254
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass
class Preview:
    rows: list[ImportRow]
    text: str  # the file's text, carried to the import and read again there

    @property
    def problems(self) -> list[tuple[int, str]]:
        """Each problem with the number of its row."""
        return [(row.number, error) for row in self.rows for error in row.errors]

    @property
    def errors(self) -> list[str]:
        return [f"Row {number}: {error}" for number, error in self.problems]

    @property
    def bad_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def quarters(self) -> int:
        return sum(row.quarters or 0 for row in self.rows)

    @property
    def volunteer_count(self) -> int:
        return len({row.volunteer.id for row in self.rows if row.volunteer is not None})


def parse_date(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise EntryInvalid(
        "worked_on", "Enter the date as YYYY-MM-DD or DD/MM/YYYY, like 2026-03-14 or 14/03/2026"
    )


def preview(
    organisation: Organisation, text: str, actor: User, today: date, *, lock: bool = False
) -> Preview:
    """Read and check every row of `text`; nothing is written. With `lock`, the volunteers
    named are locked first, so what is checked cannot change before the import commits."""
    if not can_coordinate(actor, organisation):
        raise HoursRefused("You cannot import hours for this organisation.")
    rows = read_rows(text)
    for row in rows:
        _check_fields(row)
    volunteers = _volunteers(row.email for row in rows)
    if lock:
        lock_volunteers(volunteer.id for volunteer in volunteers.values())
    roles = _RoleFinder(organisation)
    placements = _Placements(volunteers.values(), roles.ids, today)
    for row in rows:
        row.volunteer = volunteers.get(row.email)
        if row.role_text:
            row.role = roles.find(row, placements)
        _match_placement(row, organisation, actor, placements, today)
    _refuse_repeats(rows)
    return Preview(rows, text.lstrip("\ufeff"))


def import_hours(organisation: Organisation, text: str, actor: User, today: date) -> Preview:
    """Check the file again and, when every row is good, log every row as `actor` (approved
    at once). When the result has errors, nothing should be kept: the caller rolls back."""
    checked = preview(organisation, text, actor, today, lock=True)
    if not checked.ok:
        return checked
    rows = [
        (row.placement, row.worked_on, row.quarters, row.note)
        for row in checked.rows
        if row.placement is not None and row.worked_on is not None and row.quarters is not None
    ]  # every row, as every row was checked
    try:
        log_many(rows, actor, today)
    except RowsRefused as refused:
        for index, reason in refused.reasons.items():
            checked.rows[index].errors.append(reason)
    if checked.ok:
        record_event(
            "hours.imported",
            actor=actor,
            subject=organisation,
            entries=len(checked.rows),
            quarters=checked.quarters,
        )
    return checked


def _email_problem(email: str) -> str | None:
    if not email:
        return "Enter the volunteer's email address"
    if len(email) > EMAIL_LENGTH or "@" not in email:
        return f'"{email[:60]}" is not an email address'
    return None


def _check_fields(row: ImportRow) -> None:
    """The row's own cells: present, the right shape, not too long."""
    problem = _email_problem(row.email)
    if problem:
        row.errors.append(problem)
    if not row.role_text:
        row.errors.append("Enter the role, by its title")
    if not row.date_text:
        row.errors.append("Enter the date the volunteer gave their time")
    else:
        try:
            row.worked_on = parse_date(row.date_text)
        except EntryInvalid as invalid:
            row.errors.append(str(invalid))
    if not row.hours_text:
        row.errors.append("Enter the hours, like 2 or 1.5")
    else:
        try:
            row.quarters = parse_hours(row.hours_text)
        except EntryInvalid as invalid:
            row.errors.append(str(invalid))
    if len(row.note) > NOTE_LENGTH:
        row.errors.append(f"The note must be {NOTE_LENGTH} characters or fewer")


def _volunteers(emails: Iterable[str]) -> dict[str, User]:
    wanted = {email for email in emails if not _email_problem(email)}
    if not wanted:
        return {}
    found = db.session.scalars(
        select(User).where(func.lower(User.email).in_(wanted), User.deleted_at.is_(None))
    )
    return {user.email.lower(): user for user in found}


class _RoleFinder:
    """The organisation's roles, found by slug or by title (ignoring case)."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        roles = db.session.scalars(
            select(Role).where(Role.organisation_id == organisation.id).order_by(Role.id)
        ).all()
        self.ids = [role.id for role in roles]
        self.by_slug = {role.slug.lower(): role for role in roles}
        self.by_title: dict[str, list[Role]] = {}
        for role in roles:
            self.by_title.setdefault(role.title.casefold().strip(), []).append(role)

    def find(self, row: ImportRow, placements: _Placements) -> Role | None:
        text = row.role_text
        role = self.by_slug.get(text.lower())
        if role is not None:
            return role
        titled = self.by_title.get(text.casefold(), [])
        if len(titled) > 1 and row.volunteer is not None:
            # Roles sharing a title: the one this volunteer has a placement on, if only one.
            volunteer = row.volunteer
            held = [role for role in titled if placements.held(volunteer, role)]
            titled = held if len(held) == 1 else titled
        if len(titled) == 1:
            return titled[0]
        if titled:
            names = ", ".join(r.slug for r in titled)
            row.errors.append(
                f'{self.organisation.name} has more than one role called "{text[:100]}": '
                f"use the last part of the role's web address instead ({names})"
            )
        else:
            row.errors.append(f'{self.organisation.name} has no role called "{text[:100]}"')
        return None


class _Placements:
    """The volunteers' placements hours may be logged on, by (volunteer, role), newest
    first, and each one's logging window (worked out once)."""

    def __init__(self, volunteers: Iterable[User], role_ids: list[int], today: date) -> None:
        self.today = today
        self.by_pair: dict[tuple[int, int], list[Placement]] = {}
        self.windows: dict[int, tuple[date, date]] = {}
        volunteer_ids = [volunteer.id for volunteer in volunteers]
        if not volunteer_ids or not role_ids:
            return
        found = db.session.scalars(
            select(Placement)
            .where(
                Placement.volunteer_id.in_(volunteer_ids),
                Placement.role_id.in_(role_ids),
                Placement.status.in_([str(status) for status in VERIFIER_LOGS]),
            )
            .order_by(Placement.id.desc())
        )
        for placement in found:
            assert placement.volunteer_id is not None  # noqa: S101 - filtered above
            self.by_pair.setdefault((placement.volunteer_id, placement.role_id), []).append(
                placement
            )

    def held(self, volunteer: User, role: Role) -> list[Placement]:
        return self.by_pair.get((volunteer.id, role.id), [])

    def window(self, placement: Placement) -> tuple[date, date]:
        if placement.id not in self.windows:
            self.windows[placement.id] = logging_window(placement, self.today)
        return self.windows[placement.id]


def _match_placement(
    row: ImportRow,
    organisation: Organisation,
    actor: User,
    placements: _Placements,
    today: date,
) -> None:
    """The placement the row's hours go on, and whether its date is one hours may be logged
    for (the same rule as `log_hours`, which checks it again as each row is imported)."""
    if row.role is None or _email_problem(row.email):
        return
    if row.volunteer is not None and row.volunteer.id == actor.id:
        row.errors.append(
            "These are your own hours: log them on your hours page, so that someone else "
            "verifies them"
        )
        return
    held = placements.held(row.volunteer, row.role) if row.volunteer else []
    if not held:  # the same words whether or not the address has an account
        row.errors.append(
            f"{row.email} has no approved, active or ended placement on {row.role.title} "
            f"with {organisation.name}"
        )
        return
    row.placement = held[0]
    if row.worked_on is None:
        return
    for placement in held:
        first, last = placements.window(placement)
        if first <= row.worked_on <= last:
            row.placement = placement
            return
    try:  # outside every window: the service's own words say why
        check_entry(row.placement, row.worked_on, today)
    except EntryInvalid as invalid:
        row.errors.append(str(invalid))


def _refuse_repeats(rows: list[ImportRow]) -> None:
    """Refuse rows that repeat an earlier row, or hours already recorded and not rejected."""
    keyed = [(row, row.key) for row in rows if not row.errors and row.key is not None]
    if not keyed:
        return
    days = [key[2] for _, key in keyed]
    existing = {
        tuple(found)
        for found in db.session.execute(
            select(
                HoursEntry.volunteer_id,
                HoursEntry.role_id,
                HoursEntry.worked_on,
                HoursEntry.quarters,
            ).where(
                HoursEntry.volunteer_id.in_({key[0] for _, key in keyed}),
                HoursEntry.role_id.in_({key[1] for _, key in keyed}),
                HoursEntry.worked_on.between(min(days), max(days)),
                HoursEntry.status != HoursStatus.REJECTED,
            )
        )
    }
    seen: dict[tuple[int, int, date, int], int] = {}
    for row, key in keyed:
        if key in seen:
            row.errors.append(
                f"This repeats row {seen[key]} (the same volunteer, role, date and hours). "
                "If they are separate hours, add them up in one row"
            )
        elif key in existing:
            row.errors.append(
                "These hours are already recorded (the same volunteer, role, date and hours)"
            )
        else:
            seen[key] = row.number
