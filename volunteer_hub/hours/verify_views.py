"""The verifiers' pages: an organisation's hours (approve in bulk, log for a volunteer, the
bulk grid, totals), deciding and reversing one entry, and staff's queue and totals across the
hub. An organisation's pages are for its coordinators and hub staff (others: 403, or 404
while the organisation is not approved); an entry is decided by those who may verify it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from ..clock import local_today
from ..extensions import db
from ..organisations.models import Organisation
from ..permissions import coordinated_organisation, signed_in_user, staff_required
from ..reference.models import Category
from ..reference.services import item_choices
from ..roles.models import Role
from ..templating import long_date
from ..web import PageResult, safe_next
from . import queries, services, totals
from .models import HoursEntry, hours_words
from .verify_forms import (
    BulkApproveForm,
    DecideForm,
    EntryFilterForm,
    GridChoiceForm,
    LogForForm,
    ReverseForm,
    StaffQueueForm,
    TotalsForm,
    grid_form_for,
)

bp = Blueprint("hours_verify", __name__)

bp.add_app_template_global(services.decisions_for, "hours_decisions")
bp.add_app_template_global(services.can_reverse, "can_reverse_hours")

DONE = {
    "approve": "The hours are verified. Thank you.",
    "query": "Your query has been emailed to the volunteer.",
    "reject": "The hours are not accepted. The volunteer has been emailed your reason.",
}


PER_PAGE = 20


def _per_page() -> int:
    return PER_PAGE


class ListPagination(Pagination):
    """A page of a list already in memory (totals, which are few and summed in the
    database)."""

    def _query_items(self) -> list[Any]:
        rows: list[Any] = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def _page_of(rows: list[Any]) -> ListPagination:
    return ListPagination(page=None, per_page=_per_page(), error_out=False, rows=rows)


# --- An organisation's hours -----------------------------------------------------------------


def _filter_form(organisation: Organisation) -> EntryFilterForm:
    form = EntryFilterForm(request.args)
    form.role.choices = [
        SelectChoice("", "Any role"),
        *(SelectChoice(str(role.id), role.title) for role in queries.roles_of(organisation)),
    ]
    return form


def _render_org_list(organisation: Organisation, bulk: BulkApproveForm) -> PageResult:
    form = _filter_form(organisation)
    filters = form.filters()
    page = db.paginate(
        queries.organisation_entries(organisation, filters),
        per_page=_per_page(),
        error_out=False,
    )
    page_html = render_template(
        "hours/org_list.html",
        organisation=organisation,
        form=form,
        filters=filters,
        page=page,
        bulk=bulk,
    )
    return page_html, 422 if bulk.errors else 200


@bp.get("/org/<slug>/hours")
@login_required
def org_list(slug: str) -> PageResult:
    bulk = BulkApproveForm(formdata=None, back=request.full_path)
    return _render_org_list(coordinated_organisation(slug), bulk)


def _approve_chosen(form: BulkApproveForm, organisation: Organisation | None) -> None:
    """Approve the chosen entries still pending that the user may verify (of `organisation`
    only, when given); say how many, and how many were not."""
    chosen = form.entry_ids.data or []
    entries = queries.entries_by_id(chosen, organisation)
    approved = services.bulk_approve(entries, signed_in_user())
    db.session.commit()
    if approved:
        flash(
            f"Approved {approved} {'entry' if approved == 1 else 'entries'}. Thank you.", "success"
        )
    if len(set(chosen)) > approved:
        left = len(set(chosen)) - approved
        flash(
            f"{left} not approved: {'it was' if left == 1 else 'they were'} already decided, "
            "your own, or not yours to verify.",
            "warning",
        )


@bp.post("/org/<slug>/hours/approve")
@login_required
def org_bulk_approve(slug: str) -> PageResult:
    organisation = coordinated_organisation(slug)
    form = BulkApproveForm()
    if not form.validate_on_submit():
        return _render_org_list(organisation, form)
    _approve_chosen(form, organisation)
    default = url_for("hours_verify.org_list", slug=organisation.slug)
    return redirect(safe_next(form.back.data, default))


# --- Deciding one entry ----------------------------------------------------------------------


def _entry(entry_id: int) -> tuple[HoursEntry, bool]:
    """The entry for someone who may see it (else 404), and whether they may verify it."""
    entry: HoursEntry = db.first_or_404(
        select(HoursEntry)
        .where(HoursEntry.id == entry_id)
        .options(
            joinedload(HoursEntry.role).joinedload(Role.organisation),
            joinedload(HoursEntry.volunteer),
            joinedload(HoursEntry.placement),
        )
    )
    user = signed_in_user()
    if not services.can_see_entry(user, entry):
        abort(404)
    return entry, services.can_verify_entry(user, entry)


def _decision_page(
    entry: HoursEntry,
    status: int,
    verify_form: DecideForm | None = None,
    reverse_form: ReverseForm | None = None,
    refusal: str = "",
) -> tuple[str, int]:
    return render_template(
        "hours/org_decision.html",
        entry=entry,
        verify_form=verify_form or DecideForm(formdata=None),
        reverse_form=reverse_form or ReverseForm(formdata=None),
        refusal=refusal,
        may_verify=status != 403,
    ), status


def _back(target: str | None, entry: HoursEntry) -> str:
    return safe_next(target, url_for("hours.entry", entry_id=entry.id))


@bp.post("/hours/<int:entry_id>/decide")
@login_required
def decide(entry_id: int) -> PageResult:
    entry, may_verify = _entry(entry_id)
    if not may_verify:
        return _decision_page(entry, 403, refusal="You cannot verify your own hours.")
    form = DecideForm()
    if not form.validate_on_submit():
        return _decision_page(entry, 422, verify_form=form)
    try:
        services.decide(entry, form.decision.data, signed_in_user(), form.message.data or "")
    except services.HoursRefused as refusal:
        db.session.rollback()
        return _decision_page(entry, 409, refusal=str(refusal))
    db.session.commit()
    flash(DONE[form.decision.data], "success")
    return redirect(_back(form.next.data, entry))


@bp.post("/hours/<int:entry_id>/reverse")
@login_required
def reverse(entry_id: int) -> PageResult:
    entry, may_verify = _entry(entry_id)
    if not may_verify:
        return _decision_page(
            entry, 403, refusal="You cannot reverse a decision on your own hours."
        )
    user = signed_in_user()
    if not user.is_staff:
        return _decision_page(entry, 403, refusal="Only hub staff can reverse a decision.")
    form = ReverseForm()
    if not form.validate_on_submit():
        return _decision_page(entry, 422, reverse_form=form)
    try:
        services.reverse(entry, user, form.reason.data or "")
    except services.HoursRefused as refusal:
        db.session.rollback()
        return _decision_page(entry, 409, refusal=str(refusal))
    db.session.commit()
    flash("The decision is reversed: the hours wait to be verified again.", "success")
    return redirect(_back(form.next.data, entry))


# --- Logging for volunteers ------------------------------------------------------------------


@bp.route("/org/<slug>/hours/log", methods=["GET", "POST"])
@login_required
def log_for(slug: str) -> PageResult:
    organisation = coordinated_organisation(slug)
    form = LogForForm(data={"placement": request.args.get("placement", "")})
    if request.method == "POST":
        form = LogForForm()
    form.offer(queries.loggable_placements(organisation))
    if form.validate_on_submit():
        placement = queries.loggable_placement(organisation, int(form.placement.data))
        quarters = form.hours.quarters
        assert placement is not None and quarters is not None  # noqa: S101 - validated
        try:
            entry = services.log_hours(
                placement,
                form.worked_on.data,
                quarters,
                form.note.data or "",
                signed_in_user(),
                local_today(),
            )
        except services.EntryInvalid as invalid:
            db.session.rollback()
            field = {"worked_on": form.worked_on, "hours": form.hours}.get(invalid.field)
            (field.errors if field else form.placement.errors).append(str(invalid))
        except services.HoursRefused as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            who = entry.volunteer.name
            flash(f"Logged {hours_words(entry.quarters)} for {who}.", "success")
            return redirect(url_for("hours_verify.log_for", slug=organisation.slug))
    page = render_template("hours/log_for.html", organisation=organisation, form=form)
    return page, 422 if form.errors else 200


def _grid_choice(organisation: Organisation) -> tuple[GridChoiceForm, Role | None, date | None]:
    """The grid's role and day from the query string, once valid."""
    roles = queries.roles_of(organisation)
    choice = GridChoiceForm(request.args)
    choice.role.choices = [
        SelectChoice("", "Choose a role"),
        *(SelectChoice(str(role.id), role.title) for role in roles),
    ]
    if not request.args or not choice.validate():
        return choice, None, None
    role = next(role for role in roles if str(role.id) == choice.role.data)
    return choice, role, choice.day.data


@bp.route("/org/<slug>/hours/grid", methods=["GET", "POST"])
@login_required
def grid(slug: str) -> PageResult:
    """Hours for many volunteers on one day: choose the role and the day, then type each
    volunteer's hours; all are logged, or none when a row is wrong."""
    organisation = coordinated_organisation(slug)
    choice, role, day = _grid_choice(organisation)
    if role is None or day is None:
        if request.method == "POST" and not choice.errors:
            choice.form_errors.append("Choose the role and the date first")
        page = render_template("hours/grid.html", organisation=organisation, choice=choice)
        return page, 422 if request.method == "POST" else 200
    placements = queries.grid_placements(role)
    form = grid_form_for(placements)
    if form.validate_on_submit():
        by_id = {placement.id: placement for placement in placements}
        note = form.note.data or ""
        rows = [
            (by_id[number], day, field.quarters, note)
            for number, field in form.rows()
            if field.quarters
        ]
        try:
            logged = services.log_many(rows, signed_in_user(), local_today())
        except services.RowsRefused as refused:
            db.session.rollback()
            for index, reason in refused.reasons.items():
                form[f"hours_{rows[index][0].id}"].errors.append(reason)
        else:
            db.session.commit()
            people = f"{len(logged)} {'volunteer' if len(logged) == 1 else 'volunteers'}"
            flash(f"Logged hours for {people} on {long_date(day)}. Thank you.", "success")
            return redirect(
                url_for(
                    "hours_verify.org_list",
                    slug=organisation.slug,
                    status="approved",
                    role=role.id,
                    start=day.isoformat(),
                    end=day.isoformat(),
                )
            )
    page = render_template(
        "hours/grid.html",
        organisation=organisation,
        choice=choice,
        role=role,
        day=day,
        form=form,
        placements=placements,
    )
    return page, 422 if form.errors or form.form_errors else 200


# --- Totals ----------------------------------------------------------------------------------


@bp.get("/org/<slug>/hours/totals")
@login_required
def org_totals(slug: str) -> str:
    organisation = coordinated_organisation(slug)
    form = TotalsForm(request.args)
    start, end = form.months()
    within: dict[str, Any] = {"start": start, "end": end, "organisation_id": organisation.id}
    return render_template(
        "hours/totals.html",
        organisation=organisation,
        form=form,
        by_role=_page_of(totals.totals_by("role", **within)),
        by_month=totals.totals_by_month(**within),
    )


# --- Staff: across the hub -------------------------------------------------------------------


def _render_staff_queue(bulk: BulkApproveForm) -> PageResult:
    form = StaffQueueForm(request.args)
    form.category.choices = [SelectChoice("", "Any kind"), *item_choices(Category)]
    page = db.paginate(queries.staff_queue(form.filters()), per_page=_per_page(), error_out=False)
    page_html = render_template("hours/staff_queue.html", form=form, page=page, bulk=bulk)
    return page_html, 422 if bulk.errors else 200


@bp.get("/staff/hours")
@staff_required
def staff_queue() -> PageResult:
    return _render_staff_queue(BulkApproveForm(formdata=None, back=request.full_path))


@bp.post("/staff/hours/approve")
@staff_required
def staff_bulk_approve() -> PageResult:
    form = BulkApproveForm()
    if not form.validate_on_submit():
        return _render_staff_queue(form)
    _approve_chosen(form, None)
    return redirect(safe_next(form.back.data, url_for("hours_verify.staff_queue")))


@bp.get("/staff/hours/totals")
@staff_required
def staff_totals() -> str:
    form = TotalsForm(request.args)
    start, end = form.months()
    return render_template(
        "hours/staff_totals.html",
        form=form,
        by_organisation=_page_of(totals.totals_by("organisation", start=start, end=end)),
        by_category=totals.totals_by("category", start=start, end=end),
        by_locality=totals.totals_by("locality", start=start, end=end),
        by_month=totals.totals_by_month(start=start, end=end),
        hub=totals.hub_total(start=start, end=end),
    )
