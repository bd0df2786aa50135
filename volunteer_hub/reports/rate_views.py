"""`/staff/value-rates`: admins keep the dated hourly values that turn verified hours into a
social value."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ..clock import local_today
from ..extensions import db
from ..permissions import admin_required, signed_in_user
from ..templating import long_date
from ..web import PageResult, render_form
from .models import ValueRate
from .rate_forms import ValueRateForm
from .rates import (
    DateTaken,
    add_rate,
    all_rates,
    change_rate,
    in_force,
    parse_pounds,
    pounds,
    pounds_typed,
)

bp = Blueprint("value_rates", __name__, url_prefix="/staff")

DATE_TAKEN = "There is already a value that applies from this date: change that one instead"


@bp.get("/value-rates")
@admin_required
def rates() -> str:
    kept = all_rates()
    return render_template(
        "reports/rates.html",
        rates=kept,
        current=in_force(kept, local_today()),
        pounds=pounds,
    )


def _save(form: ValueRateForm, rate: ValueRate | None) -> bool:
    """Add or correct the rate and commit; False, with the error on the form, when another
    rate has the date (found first, or by the unique constraint when two people race)."""
    valid_from, pence, source = (
        form.valid_from.data,
        parse_pounds(form.value.data),
        form.source.data,
    )
    try:
        if rate is None:
            add_rate(
                valid_from=valid_from, pence_per_hour=pence, source=source, actor=signed_in_user()
            )
        else:
            change_rate(
                rate,
                valid_from=valid_from,
                pence_per_hour=pence,
                source=source,
                actor=signed_in_user(),
            )
        db.session.commit()
    except (DateTaken, IntegrityError):
        db.session.rollback()
        form.valid_from.errors.append(DATE_TAKEN)
        return False
    return True


@bp.route("/value-rates/new", methods=["GET", "POST"])
@admin_required
def new_rate() -> PageResult:
    form = ValueRateForm()
    if form.validate_on_submit() and _save(form, None):
        flash(f"Added the value from {long_date(form.valid_from.data)}.", "success")
        return redirect(url_for("value_rates.rates"))
    return render_form("reports/rate_form.html", form, rate=None)


@bp.route("/value-rates/<int:rate_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_rate(rate_id: int) -> PageResult:
    rate = db.get_or_404(ValueRate, rate_id)
    form = ValueRateForm(data=_typed(rate)) if request.method == "GET" else ValueRateForm()
    if form.validate_on_submit() and _save(form, rate):
        flash(f"Saved the value from {long_date(form.valid_from.data)}.", "success")
        return redirect(url_for("value_rates.rates"))
    return render_form("reports/rate_form.html", form, rate=rate)


def _typed(rate: ValueRate) -> dict[str, object]:
    """The rate as the form shows it."""
    return {
        "valid_from": rate.valid_from,
        "value": pounds_typed(rate.pence_per_hour),
        "source": rate.source,
    }
