"""Hours in and out as files: a coordinator imports a CSV of hours (preview, then all rows or
none), and volunteers, organisations and hub staff download hours as CSV.

The organisation's pages are for its members and hub staff; outsiders get 403, or 404 while
the organisation is not approved (as on its other pages).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ..clock import local_today
from ..extensions import db
from ..organisations.models import Organisation
from ..permissions import coordinated_organisation, signed_in_user, staff_required
from ..reference.models import Category
from ..reference.services import active_items
from ..roles.models import Role
from ..web import PageResult, render_form
from . import exports, importing
from .file_forms import ConfirmImportForm, ExportForm, ImportForm, StaffExportForm
from .import_file import MAX_ROWS, FileRefused
from .models import HoursEntry, hours_words

bp = Blueprint("hours_files", __name__)


# --- Importing ------------------------------------------------------------------------------


@bp.route("/org/<slug>/hours/import", methods=["GET", "POST"])
@login_required
def import_hours(slug: str) -> PageResult:
    """Upload a CSV and see it checked, row by row."""
    organisation = coordinated_organisation(slug)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            checked = importing.preview(organisation, form.text, signed_in_user(), local_today())
        except FileRefused as refused:
            form.csv_file.errors = [*form.csv_file.errors, str(refused)]
        else:
            confirm = ConfirmImportForm(formdata=None, csv_text=checked.text)
            return _preview_page(organisation, checked, confirm)
    return _upload_page(organisation, form)


@bp.post("/org/<slug>/hours/import/confirm")
@login_required
def confirm_import(slug: str) -> PageResult:
    """Import every row of the file carried from the preview, after checking it all again."""
    organisation = coordinated_organisation(slug)
    form = ConfirmImportForm()
    upload = ImportForm(formdata=None)
    if not form.validate_on_submit():
        upload.form_errors.append("Nothing was imported. Choose the CSV file again.")
        return _upload_page(organisation, upload)
    try:
        done = importing.import_hours(
            organisation, form.csv_text.data or "", signed_in_user(), local_today()
        )
    except FileRefused as refused:
        db.session.rollback()
        upload.form_errors.append(f"Nothing was imported. {refused}")
        return _upload_page(organisation, upload)
    if not done.ok:
        db.session.rollback()
        return _preview_page(organisation, done, form)
    db.session.commit()
    people = "volunteer" if done.volunteer_count == 1 else "volunteers"
    entries = "entry" if len(done.rows) == 1 else "entries"
    flash(
        f"Imported {len(done.rows):,} {entries}: {hours_words(done.quarters)} for "
        f"{done.volunteer_count:,} {people}. They count as verified hours.",
        "success",
    )
    return redirect(url_for("hours_files.import_hours", slug=organisation.slug))


def _upload_page(organisation: Organisation, form: ImportForm) -> tuple[str, int]:
    return render_form("hours/import.html", form, organisation=organisation, max_rows=MAX_ROWS)


def _preview_page(
    organisation: Organisation, checked: importing.Preview, confirm: ConfirmImportForm
) -> tuple[str, int]:
    page = render_template(
        "hours/import_preview.html",
        organisation=organisation,
        preview=checked,
        confirm=confirm,
        form=ImportForm(formdata=None),
    )
    return page, 200 if checked.ok else 422


# --- Exporting ------------------------------------------------------------------------------


def _categories(form: ExportForm) -> dict[str, int]:
    categories = active_items(Category)
    form.category.choices = [SelectChoice("", "Any kind")] + [
        SelectChoice(item.slug, item.name) for item in categories
    ]
    return {item.slug: item.id for item in categories}


def _roles(form: ExportForm, roles: list[Role]) -> dict[str, int]:
    form.role.choices = [SelectChoice("", "Any role")] + [
        SelectChoice(role.slug, role.title) for role in roles
    ]
    return {role.slug: role.id for role in roles}


def _filters(
    form: ExportForm, roles: dict[str, int] | None, categories: dict[str, int]
) -> exports.HoursFilters | None:
    """The chosen filters, or None when the form has errors. `roles` maps the slugs offered;
    None means any role of the hub, named by its slug."""
    if not form.validate():
        return None
    role_id = None
    if form.role.data:
        if roles is not None:
            role_id = roles[form.role.data]
        else:
            role_id = db.session.scalar(select(Role.id).where(Role.slug == form.role.data))
            if role_id is None:
                form.role.errors = [*form.role.errors, "No role has this web address"]
                return None
    return exports.HoursFilters(
        start=form.start.data,
        end=form.end.data,
        status=form.status.data or "",
        role_id=role_id,
        category_id=categories[form.category.data] if form.category.data else None,
    )


def _export_page(form: ExportForm, heading: str, csv_url: str, back: str) -> PageResult:
    return render_form("hours/export.html", form, heading=heading, csv_url=csv_url, back=back)


def _own_roles() -> list[Role]:
    mine = select(HoursEntry.role_id).where(HoursEntry.volunteer_id == signed_in_user().id)
    return list(db.session.scalars(select(Role).where(Role.id.in_(mine)).order_by(Role.title)))


def _own(form: ExportForm) -> exports.HoursFilters | None:
    return _filters(form, _roles(form, _own_roles()), _categories(form))


def _my_page(form: ExportForm) -> PageResult:
    return _export_page(
        form, "Download your hours", url_for("hours_files.my_csv"), url_for("hours.mine")
    )


@bp.get("/me/hours/export")
@login_required
def my_export() -> PageResult:
    form = ExportForm(request.args)
    _own(form)
    return _my_page(form)


@bp.get("/me/hours.csv")
@login_required
def my_csv() -> PageResult:
    form = ExportForm(request.args)
    filters = _own(form)
    if filters is None:
        return _my_page(form)
    query = exports.export_query(filters, volunteer_id=signed_in_user().id)
    return exports.hours_csv(f"my-hours-{local_today()}.csv", query, with_email=False)


def _organisations(form: ExportForm, organisation: Organisation) -> exports.HoursFilters | None:
    roles = db.session.scalars(
        select(Role).where(Role.organisation_id == organisation.id).order_by(Role.title, Role.id)
    ).all()
    filters = _filters(form, _roles(form, list(roles)), _categories(form))
    if filters is None:
        return None
    return replace(filters, organisation_id=organisation.id)


def _organisation_page(form: ExportForm, organisation: Organisation) -> PageResult:
    return _export_page(
        form,
        f"Download hours given to {organisation.name}",
        url_for("hours_files.organisation_csv", slug=organisation.slug),
        url_for("organisations.manage", slug=organisation.slug),
    )


@bp.get("/org/<slug>/hours/export")
@login_required
def organisation_export(slug: str) -> PageResult:
    organisation = coordinated_organisation(slug)
    form = ExportForm(request.args)
    _organisations(form, organisation)
    return _organisation_page(form, organisation)


@bp.get("/org/<slug>/hours.csv")
@login_required
def organisation_csv(slug: str) -> PageResult:
    organisation = coordinated_organisation(slug)
    form = ExportForm(request.args)
    filters = _organisations(form, organisation)
    if filters is None:
        return _organisation_page(form, organisation)
    return exports.hours_csv(
        f"hours-{organisation.slug}-{local_today()}.csv", exports.export_query(filters)
    )


def _staff_page(form: ExportForm) -> PageResult:
    return _export_page(
        form,
        "Download hours across the hub",
        url_for("hours_files.staff_csv"),
        url_for("staff.dashboard"),
    )


@bp.get("/staff/hours/export")
@staff_required
def staff_export() -> PageResult:
    form = StaffExportForm(request.args)
    _filters(form, None, _categories(form))
    return _staff_page(form)


@bp.get("/staff/hours.csv")
@staff_required
def staff_csv() -> PageResult:
    form = StaffExportForm(request.args)
    filters = _filters(form, None, _categories(form))
    if filters is None:
        return _staff_page(form)
    return exports.hours_csv(f"hours-{local_today()}.csv", exports.export_query(filters))
