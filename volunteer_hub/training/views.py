"""Training pages for everyone: the public calendar, a session and its booking, a session's
calendar file, and the volunteer's own training record."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..clock import local_today
from ..database import utcnow
from ..extensions import db
from ..permissions import signed_in_user
from ..reference.models import Locality
from ..shifts.calendar import calendar_document
from ..shifts.forms import ButtonForm
from . import services
from .calendar import session_entry
from .forms import CalendarFilters
from .models import BookingStatus, Course, TrainingBooking, TrainingSession
from .queries import (
    CalendarQuery,
    calendar_sessions,
    open_bookings,
    open_courses,
    record_groups,
)
from .records import latest_record

bp = Blueprint("training", __name__)

PageResult = Response | str | tuple[str, int]
ICS = "text/calendar; charset=utf-8"


def _id_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


def _month_or_none(value: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else None
    except ValueError:
        return None


@bp.get("/training")
def calendar() -> str:
    """Upcoming sessions, filtered by course, area and month, 20 a page."""
    filters = CalendarFilters(request.args)
    courses = open_courses()
    localities = db.session.scalars(select(Locality).order_by(Locality.name)).all()
    filters.course.choices = [("", "Any course")] + [(str(c.id), c.title) for c in courses]
    filters.locality.choices = [("", "Anywhere")] + [(str(p.id), p.name) for p in localities]
    query = CalendarQuery(
        course_id=_id_or_none(filters.course.data),
        locality_id=_id_or_none(filters.locality.data),
        month=_month_or_none(filters.month.data),
    )
    page = db.paginate(
        calendar_sessions(query, utcnow()),
        per_page=int(current_app.config["PAGE_SIZE"]),
        error_out=False,
    )
    held = services.places_held([session.id for session in page.items])
    return render_template(
        "training/calendar.html", filters=filters, page=page, held=held, query=query
    )


def _session(session_id: int) -> TrainingSession:
    session: TrainingSession = db.first_or_404(
        select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .options(joinedload(TrainingSession.course).joinedload(Course.organisation))
    )
    return session


def _has_place(booking: TrainingBooking | None) -> bool:
    """The venue and joining link are for people with a place (and those running it)."""
    return booking is not None and booking.status in (BookingStatus.BOOKED, BookingStatus.ATTENDED)


@bp.get("/training/sessions/<int:session_id>")
def session(session_id: int) -> str:
    found = _session(session_id)
    user = signed_in_user()
    booking = services.live_booking(found, user) if user.is_authenticated else None
    holds = latest_record(user.id, found.course_id) if user.is_authenticated else None
    may_register = services.can_take_register(user, found)
    return render_template(
        "training/session.html",
        session=found,
        booking=booking,
        position=services.waitlist_position(booking)
        if booking is not None and booking.status == BookingStatus.WAITLISTED
        else None,
        held=services.places_held([found.id]).get(found.id, 0),
        holds=holds if holds is not None and holds.counts_on(local_today()) else None,
        see_place=_has_place(booking) or may_register,
        may_register=may_register,
        may_cancel=may_register and services.can_manage_course(user, found.course),
        now=utcnow(),
        form=ButtonForm(),
    )


@bp.get("/training/sessions/<int:session_id>.ics")
def session_ics(session_id: int) -> Response:
    found = _session(session_id)
    user = signed_in_user()
    booking = services.live_booking(found, user) if user.is_authenticated else None
    booked = _has_place(booking) or services.can_take_register(user, found)
    entry = session_entry(found, booked=booked)
    headers = {
        "Content-Disposition": f'attachment; filename="training-{found.id}.ics"',
        "Cache-Control": "private, no-store",
    }
    return Response(calendar_document([entry], found.course.title), mimetype=ICS, headers=headers)


@bp.post("/training/sessions/<int:session_id>/book")
@login_required
def book(session_id: int) -> PageResult:
    found = _session(session_id)
    if not ButtonForm().validate_on_submit():
        return _problem(found, "Use the Book button on the session's page.")
    try:
        booking = services.book(found, signed_in_user())
        db.session.commit()
    except services.TrainingRefused as refusal:
        db.session.rollback()
        return _problem(found, str(refusal))
    except IntegrityError:  # the same button pressed twice at once: one booking stands
        db.session.rollback()
        return redirect(url_for("training.session", session_id=found.id))
    if booking.status == BookingStatus.WAITLISTED:
        flash(
            "The session is full: you are on its waiting list. We will email you if a "
            "place comes up.",
            "success",
        )
    else:
        flash("Your place is booked. Add it to your calendar with the link below.", "success")
    return redirect(url_for("training.session", session_id=found.id))


def _own_booking(booking_id: int) -> TrainingBooking:
    booking = db.session.get(TrainingBooking, booking_id)
    if booking is None or booking.volunteer_id != signed_in_user().id:
        abort(404)
    return booking


@bp.post("/training/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int) -> PageResult:
    booking = _own_booking(booking_id)
    if ButtonForm().validate_on_submit():
        try:
            services.cancel(booking, signed_in_user())
        except services.TrainingRefused as refusal:
            db.session.rollback()
            return _problem(booking.session, str(refusal))
        db.session.commit()
        flash("Your booking is cancelled.", "success")
    return redirect(url_for("training.session", session_id=booking.session_id))


@bp.post("/training/bookings/<int:booking_id>/accept")
@login_required
def accept(booking_id: int) -> PageResult:
    booking = _own_booking(booking_id)
    if ButtonForm().validate_on_submit():
        try:
            services.accept_offer(booking, signed_in_user())
        except services.TrainingRefused as refusal:
            db.session.rollback()
            return _problem(booking.session, str(refusal))
        db.session.commit()
        flash("The place is yours: your booking is confirmed.", "success")
    return redirect(url_for("training.session", session_id=booking.session_id))


def _problem(session: TrainingSession, reason: str) -> tuple[str, int]:
    return render_template("training/problem.html", session=session, reason=reason), 422


@bp.get("/me/training")
@login_required
def mine() -> str:
    """The volunteer's training: what counts, what expires soon, what has expired, what is
    waiting for the hub, and the sessions they are booked on."""
    user = signed_in_user()
    today = local_today()
    return render_template(
        "training/mine.html",
        groups=record_groups(user, today),
        bookings=open_bookings(user, utcnow()),
        today=today,
        form=ButtonForm(),
    )
