"""The volunteer's hours: their totals, chart, milestones and entries (`/me/hours`), logging
hours, an entry with its history (seen by its volunteer and its verifiers), and correcting
an entry still waiting or queried. Anyone else is told an entry does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice, SelectField
from wtforms.validators import DataRequired

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..forms import HubForm
from ..permissions import signed_in_user
from ..placements.models import Placement
from ..roles.models import Role
from ..templating import long_date
from ..web import PageResult, render_form
from . import services
from .forms import EntryForm, hours_field, note_field, worked_on_field
from .models import QUARTERS_PER_HOUR, HoursEntry, HoursEvent, HoursStatus, hours_words
from .totals import MonthTotal, volunteer_totals

bp = Blueprint("hours", __name__)

bp.add_app_template_filter(hours_words, "hours")

ENTRIES_PER_PAGE = 20
CORRECTABLE = (HoursStatus.PENDING, HoursStatus.QUERIED)

# Each step of an entry's history in words.
ACTION_WORDS = {
    "logged": "Logged",
    "changed": "Changed by the volunteer",
    "resubmitted": "Corrected and sent to be verified again",
    "approved": "Verified",
    "queried": "Queried",
    "rejected": "Not accepted",
    "reversed": "Decision reversed by the hub",
    "restored": "Restored from the shift's register",
}


class LogForm(HubForm):
    """Hours against one of the volunteer's placements: the entry's fields, role first."""

    placement = SelectField(
        "Role",
        validators=[DataRequired("Choose the role you volunteered for")],
        invalid_choice_message="Choose one of your roles from the list",
    )
    worked_on = worked_on_field()
    hours = hours_field()
    note = note_field()


@bp.get("/me/hours")
@login_required
def mine() -> PageResult:
    """Totals of verified hours, the last twelve months as a chart and a table, progress to
    the next milestone, and every entry, newest first."""
    user = signed_in_user()
    totals = volunteer_totals(user.id, local_today())
    entries = db.paginate(
        select(HoursEntry)
        .where(HoursEntry.volunteer_id == user.id)
        # The page's roles by key afterwards: joined before the LIMIT, PostgreSQL hashed
        # every role and organisation to show twenty entries.
        .options(selectinload(HoursEntry.role).joinedload(Role.organisation))
        .order_by(HoursEntry.worked_on.desc(), HoursEntry.id.desc()),
        per_page=ENTRIES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "hours/mine.html", totals=totals, chart=month_chart(totals.by_month), entries=entries
    )


def _loggable(user: User) -> list[Placement]:
    """The volunteer's placements they may log hours against, by role title."""
    return list(
        db.session.scalars(
            select(Placement)
            .join(Role, Role.id == Placement.role_id)
            .where(
                Placement.volunteer_id == user.id,
                Placement.status.in_(services.VOLUNTEER_LOGS),
            )
            .options(joinedload(Placement.role).joinedload(Role.organisation))
            .order_by(Role.title, Placement.id)
        )
    )


@bp.route("/me/hours/new", methods=["GET", "POST"])
@login_required
def log() -> PageResult:
    user = signed_in_user()
    placements = {str(placement.id): placement for placement in _loggable(user)}
    only = next(iter(placements)) if len(placements) == 1 else ""
    form = LogForm(data={"placement": only})
    form.placement.choices = [] if only else [SelectChoice("", "Choose a role")]
    form.placement.choices += [
        SelectChoice(key, f"{p.role.title}, {p.role.organisation.name}")
        for key, p in placements.items()
    ]
    if not placements and form.is_submitted():
        form.form_errors.append("You need a place on a role before you can log hours.")
    elif form.validate_on_submit():
        placement = placements[form.placement.data]
        try:
            services.log_hours(
                placement,
                form.worked_on.data,
                form.hours.quarters or 0,
                form.note.data or "",
                user,
                local_today(),
            )
        except services.HoursRefused as refusal:
            db.session.rollback()
            _show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(
                "Thank you: your hours are logged. They count towards your total once "
                f"{placement.role.organisation.name} has verified them.",
                "success",
            )
            return redirect(url_for("hours.mine"))
    if only:
        first, _ = services.logging_window(placements[only], local_today())
        form.worked_on.description = (
            f"Any day from {long_date(first)}, when your place was approved, up to today."
        )
    return render_form("hours/log.html", form, placements=placements, only=placements.get(only))


def _show_refusal(form: HubForm, refusal: services.HoursRefused) -> None:
    """A rule about one field goes beside that field; anything else above the form."""
    field = getattr(refusal, "field", None)
    if field is not None and field in form:
        form[field].errors = [*form[field].errors, str(refusal)]
    else:
        form.form_errors.append(str(refusal))


def _entry(entry_id: int) -> HoursEntry:
    """The entry, with what its page shows, for its volunteer and its verifiers only."""
    entry: HoursEntry | None = db.session.scalar(
        select(HoursEntry)
        .where(HoursEntry.id == entry_id)
        .options(
            joinedload(HoursEntry.role).joinedload(Role.organisation),
            joinedload(HoursEntry.volunteer),
            selectinload(HoursEntry.events).joinedload(HoursEvent.actor),
        )
    )
    if entry is None or not services.can_see_entry(signed_in_user(), entry):
        abort(404)
    return entry


@bp.get("/hours/<int:entry_id>")
@login_required
def entry(entry_id: int) -> PageResult:
    found = _entry(entry_id)
    user = signed_in_user()
    return render_template(
        "hours/entry.html",
        entry=found,
        own=found.volunteer_id == user.id,
        correctable=found.volunteer_id == user.id and found.status in CORRECTABLE,
        verifier=services.can_verify_entry(user, found),
        actions=ACTION_WORDS,
    )


def _hours_text(quarters: int) -> str:
    """Quarter-hours as a person would type them: 6 is "1.5", 8 is "2"."""
    return f"{quarters / QUARTERS_PER_HOUR:g}"


@bp.route("/hours/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int) -> PageResult:
    """The volunteer corrects their hours while they wait or were queried; once decided,
    they are told so on the entry's page."""
    found = _entry(entry_id)
    user = signed_in_user()
    if found.volunteer_id != user.id:
        abort(404)
    if found.status not in CORRECTABLE:
        return _decided(found)
    # The entry's values fill the form when it opens; a form sent back is read as sent.
    current = {
        "worked_on": found.worked_on,
        "hours": _hours_text(found.quarters),
        "note": found.note,
    }
    form = EntryForm() if request.method == "POST" else EntryForm(data=current)
    queried = found.status == HoursStatus.QUERIED
    if form.validate_on_submit():
        try:
            services.correct(
                found,
                user,
                form.worked_on.data,
                form.hours.quarters or 0,
                form.note.data or "",
                local_today(),
            )
        except services.EntryInvalid as refusal:
            db.session.rollback()
            _show_refusal(form, refusal)
        except services.HoursRefused:
            db.session.rollback()
            return _decided(found)
        else:
            db.session.commit()
            flash(
                "Thank you: your hours have been sent to be verified again."
                if queried
                else "Your changes are saved.",
                "success",
            )
            return redirect(url_for("hours.entry", entry_id=found.id))
    return render_form("hours/edit.html", form, entry=found, queried=queried)


def _decided(entry: HoursEntry) -> PageResult:
    flash(
        "These hours have been decided, so they can no longer be changed. If something is "
        f"wrong, please contact {entry.role.organisation.name}.",
        "info",
    )
    return redirect(url_for("hours.entry", entry_id=entry.id))


# The chart of verified hours by month, drawn on the server as SVG: a 420 x 240 canvas (small
# enough that its words stay readable on a phone) with the bars between `PLOT_LEFT` and
# `PLOT_RIGHT`, from `PLOT_TOP` down to `BASELINE`.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, BASELINE = 40, 414, 24, 200
SCALE_STEPS = (1, 2, 3, 4, 5, 6, 8)


@dataclass(frozen=True)
class Bar:
    month: date
    quarters: int
    x: float
    width: float
    y: float
    height: float
    # The year goes under January, and under the first month unless January is next to it.
    show_year: bool = False

    @property
    def name(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def short(self) -> str:
        return f"{self.month:%b}"

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    total: int
    busiest: Bar | None

    left = PLOT_LEFT
    right = PLOT_RIGHT

    @property
    def period(self) -> str:
        return f"{self.bars[0].name} to {self.bars[-1].name}" if self.bars else ""


def _scale_top(hours: float) -> float:
    """The top of the scale: the smallest step times a power of ten that holds `hours` (at
    least 1), so the bars fill most of the height: 288 hours gives 300."""
    power = 1
    while True:
        for step in SCALE_STEPS:
            if hours <= step * power:
                return float(step * power)
        power *= 10


def month_chart(months: list[MonthTotal]) -> Chart:
    """Bars, scale lines and words for the chart of `months` (oldest first)."""
    top = _scale_top(max((m.quarters for m in months), default=0) / QUARTERS_PER_HOUR)
    tall = BASELINE - PLOT_TOP
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(months))
    bars = []
    for index, month in enumerate(months):
        height = month.quarters / QUARTERS_PER_HOUR / top * tall
        height = max(height, 1.5) if month.quarters else 0.0  # the least hours still show
        bars.append(
            Bar(
                month=month.month,
                quarters=month.quarters,
                x=round(PLOT_LEFT + index * slot + slot * 0.15, 1),
                width=round(slot * 0.7, 1),
                y=round(BASELINE - height, 1),
                height=round(height, 1),
                show_year=month.month.month == 1 or (index == 0 and month.month.month != 12),
            )
        )
    ticks = [Tick(round(BASELINE - share * tall, 1), f"{top * share:g}") for share in (0, 0.5, 1)]
    busiest = max(bars, key=lambda bar: bar.quarters, default=None)
    return Chart(
        bars=bars,
        ticks=ticks,
        total=sum(bar.quarters for bar in bars),
        busiest=busiest if busiest is not None and busiest.quarters else None,
    )
