"""`/staff/reference/...` (staff keep the lists) and `/staff/settings` (admins tune policy)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms.validators import DataRequired

from ..extensions import db
from ..forms import max_length
from ..permissions import admin_required, signed_in_user, staff_required
from ..web import render_form
from . import services
from .forms import ReferenceItemForm, settings_form_class
from .models import AnyReferenceItem, ReferenceModel
from .settings import SPECS, setting_values, update_settings

bp = Blueprint("reference", __name__, url_prefix="/staff")

PageResult = Response | str | tuple[str, int]
TITLES = {
    "categories": "Categories",
    "localities": "Localities",
    "skills": "Skills",
    "decline-messages": "Messages for declined applicants",
}
SINGULAR = {
    "categories": "category",
    "localities": "locality",
    "skills": "skill",
    "decline-messages": "message",
}


def _item_form(kind: str, obj: AnyReferenceItem | None = None) -> ReferenceItemForm:
    """The item form; for a decline message the description is the message, and needed."""
    form = ReferenceItemForm(obj=obj)
    if kind == "decline-messages":
        form.description.label.text = "The message the applicant reads"
        form.description.validators = [
            DataRequired("Write the message"),
            max_length(2000, "The message"),
        ]
    return form


def _model(kind: str) -> ReferenceModel:
    model = services.KINDS.get(kind)
    if model is None:
        abort(404)
    return model


@bp.get("/reference/<kind>")
@staff_required
def items(kind: str) -> str:
    model = _model(kind)
    query = select(model).order_by(model.active.desc(), model.name)
    page = db.paginate(query, per_page=int(current_app.config["PAGE_SIZE"]) * 2, error_out=False)
    return render_template(
        "reference/items.html", kind=kind, title=TITLES[kind], singular=SINGULAR[kind], page=page
    )


def _save(form: ReferenceItemForm, kind: str, item: AnyReferenceItem) -> AnyReferenceItem | None:
    """Save and commit; `None`, with the error on the form, when the name is taken."""
    try:
        saved = services.save_item(
            item,
            name=form.name.data,
            description=form.description.data or "",
            active=form.active.data,
            actor=signed_in_user(),
        )
        db.session.commit()
    except (services.NameTaken, IntegrityError):
        db.session.rollback()
        form.name.errors.append(f"There is already a {SINGULAR[kind]} with that name")
        return None
    return saved


@bp.route("/reference/<kind>/new", methods=["GET", "POST"])
@staff_required
def new_item(kind: str) -> PageResult:
    model = _model(kind)
    form = _item_form(kind)
    if form.validate_on_submit():
        item = _save(form, kind, model())
        if item is not None:
            flash(f"Added “{item.name}”.", "success")
            return redirect(url_for("reference.items", kind=kind))
    return render_form(
        "reference/item_form.html", form, kind=kind, singular=SINGULAR[kind], item=None
    )


@bp.route("/reference/<kind>/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_item(kind: str, item_id: int) -> PageResult:
    item = db.get_or_404(_model(kind), item_id)
    form = _item_form(kind, obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = _save(form, kind, item)
        if saved is not None:
            flash(f"Saved “{saved.name}”.", "success")
            return redirect(url_for("reference.items", kind=kind))
    return render_form(
        "reference/item_form.html", form, kind=kind, singular=SINGULAR[kind], item=item
    )


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings() -> PageResult:
    form_class = settings_form_class()
    form = form_class(data=setting_values()) if request.method == "GET" else form_class()
    if form.validate_on_submit():
        changed = update_settings(
            {spec.key: form[spec.key].data for spec in SPECS}, signed_in_user()
        )
        db.session.commit()
        flash(f"Saved {len(changed)} changed setting{'s' if len(changed) != 1 else ''}.", "success")
        return redirect(url_for("reference.settings"))
    return render_form("reference/settings.html", form, specs=SPECS)
