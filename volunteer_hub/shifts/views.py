"""Shift pages: the organisation makes shifts and takes the register; approved volunteers
book and cancel; calendars for one shift and for everything a person has booked."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from ..database import utcnow
from ..extensions import db
from ..organisations.services import can_coordinate
from ..permissions import signed_in_user
from ..roles.models import Role
from ..roles.page import organisers_role, viewable_role
from ..training.calendar import session_entry
from ..training.queries import sessions_booked_by
from ..web import render_form
from . import services
from .calendar import calendar_document, shift_entry
from .forms import AttendanceForm, ButtonForm, ShiftForm
from .models import BookingStatus, Shift, ShiftBooking

bp = Blueprint("shifts", __name__)

PageResult = Response | str | tuple[str, int]
ICS = "text/calendar; charset=utf-8"


def _shift(shift_id: int) -> Shift:
    shift: Shift = db.first_or_404(
        select(Shift)
        .where(Shift.id == shift_id)
        .options(joinedload(Shift.role).joinedload(Role.organisation))
    )
    return shift


def _visible_shift(shift_id: int) -> Shift:
    """The shift, for anyone who may see its role or holds a placement on it; else 404."""
    shift = _shift(shift_id)
    user = signed_in_user()
    if viewable_role(shift.role.slug, user) is None and not services.has_placement(
        user, shift.role
    ):
        abort(404)
    return shift


@bp.route("/roles/<slug>/shifts", methods=["GET", "POST"])
@login_required
def manage(slug: str) -> PageResult:
    role = organisers_role(slug, signed_in_user())
    form = ShiftForm()
    if form.validate_on_submit():
        try:
            made = services.create_shifts(role, form.pattern(), signed_in_user())
        except services.ShiftRefused as refusal:
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(f"{len(made)} {'shift' if len(made) == 1 else 'shifts'} added.", "success")
            return redirect(url_for("shifts.manage", slug=role.slug))
    shifts = services.shifts_since(role, utcnow() - timedelta(days=7))  # registers to take
    booked = services.places_booked([shift.id for shift in shifts])
    return render_form(
        "shifts/manage.html", form, role=role, shifts=shifts, booked=booked, now=utcnow()
    )


@bp.get("/shifts/<int:shift_id>/roster")
@login_required
def roster(shift_id: int) -> PageResult:
    return _render_roster(_shift(shift_id))


def _render_roster(shift: Shift, form: AttendanceForm | None = None) -> PageResult:
    if not can_coordinate(signed_in_user(), shift.role.organisation):
        abort(404)
    bookings = db.session.scalars(
        select(ShiftBooking)
        .where(ShiftBooking.shift_id == shift.id, ShiftBooking.status != BookingStatus.CANCELLED)
        .options(selectinload(ShiftBooking.volunteer))
        .order_by(ShiftBooking.created_at, ShiftBooking.id)
    ).all()
    form = form or AttendanceForm(formdata=None)
    page = render_template("shifts/roster.html", shift=shift, bookings=bookings, form=form)
    return page, 422 if form.errors else 200


@bp.post("/shifts/<int:shift_id>/attendance")
@login_required
def attendance(shift_id: int) -> PageResult:
    shift = _shift(shift_id)
    if not can_coordinate(signed_in_user(), shift.role.organisation):
        abort(404)
    form = AttendanceForm()
    if form.validate_on_submit():
        booking = db.session.get(ShiftBooking, form.booking_id.data)
        if booking is None or booking.shift_id != shift.id:
            abort(404)
        try:
            services.mark_attendance(booking, BookingStatus(form.status.data), signed_in_user())
        except services.ShiftRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash("Attendance recorded.", "success")
            return redirect(url_for("shifts.roster", shift_id=shift.id))
    return _render_roster(shift, form)


@bp.post("/shifts/<int:shift_id>/book")
@login_required
def book(shift_id: int) -> PageResult:
    shift = _visible_shift(shift_id)
    volunteer = signed_in_user()
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            booking = services.book(shift, volunteer, utcnow())
            db.session.commit()
        except services.ShiftRefused as refusal:
            db.session.rollback()
            return _problem(shift, str(refusal))
        except IntegrityError:  # the same button pressed twice at once: one booking stands
            db.session.rollback()
            return redirect(url_for("placements.dashboard"))
        flash("Your shift is booked. Add it to your calendar with the link beside it.", "success")
        return redirect(url_for("placements.mine", placement_id=booking.placement_id))
    return _problem(shift, "Use the Book button on your application's page.")


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int) -> PageResult:
    booking = db.session.get(ShiftBooking, booking_id)
    if booking is None or booking.volunteer_id != signed_in_user().id:
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.cancel(booking, signed_in_user(), utcnow())
        except services.ShiftRefused as refusal:
            return _problem(booking.shift, str(refusal))
        db.session.commit()
        flash("Your booking is cancelled.", "success")
    return redirect(url_for("placements.mine", placement_id=booking.placement_id))


def _problem(shift: Shift, reason: str) -> tuple[str, int]:
    return render_template("shifts/problem.html", shift=shift, reason=reason), 422


@bp.get("/shifts/<int:shift_id>.ics")
def ics(shift_id: int) -> Response:
    """One shift as a calendar file, for anyone who may see its role or is placed on it."""
    shift = _visible_shift(shift_id)
    document = calendar_document([shift_entry(shift)], shift.role.title)
    headers = {"Content-Disposition": f'attachment; filename="shift-{shift.id}.ics"'}
    return Response(document, mimetype=ICS, headers=headers)


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """Everything a person has booked (shifts and training), for their calendar app; the
    token is the only key."""
    owner = services.feed_owner(token)
    if owner is None:
        abort(404)
    since = utcnow() - timedelta(days=366)  # a year of past bookings, then what is to come
    entries = [shift_entry(booking.shift) for booking in services.bookings_of(owner, since)]
    entries += [session_entry(session, booked=True) for session in sessions_booked_by(owner, since)]
    document = calendar_document(entries, "Volunteering")
    return Response(document, mimetype=ICS, headers={"Cache-Control": "private, no-store"})


@bp.get("/me/calendar")
@login_required
def my_calendar() -> str:
    feed = services.calendar_feed(signed_in_user())
    db.session.commit()
    address = url_for("shifts.feed", token=feed.token, _external=True)
    return render_template("shifts/calendar.html", address=address, form=ButtonForm())


@bp.post("/me/calendar/reset")
@login_required
def reset_calendar() -> Response:
    form = ButtonForm()
    if form.validate_on_submit():
        services.reset_calendar_feed(signed_in_user())
        db.session.commit()
        flash("Your calendar has a new address. The old one no longer works.", "success")
    return redirect(url_for("shifts.my_calendar"))
