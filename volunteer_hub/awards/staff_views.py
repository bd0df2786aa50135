"""Staff's awards pages: cycles, their categories and judges, the results of judging, locking
a category and publishing a cycle's results. Reviewing nominations is in `review_views`."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from ..auth.models import User
from ..clock import to_local
from ..extensions import db
from ..permissions import signed_in_user, staff_required
from ..web import PageResult, render_form
from . import judging, queries, services, setup
from .forms import CategoryForm, ConfirmForm, CycleForm, JudgeForm, OutcomeForm, utc_of
from .models import AwardCategory, AwardCycle, Eligibility, JudgeAssignment
from .views import bp, cycle_or_404


@bp.get("/staff/awards")
@staff_required
def staff_cycles() -> str:
    page = db.paginate(select(AwardCycle).order_by(AwardCycle.year.desc()), per_page=25)
    return render_template("awards/staff_cycles.html", page=page, waiting=queries.count_waiting())


def _cycle_data(form: CycleForm) -> setup.CycleData:
    return setup.CycleData(
        year=form.year.data,
        title=form.title.data,
        nominations_open_at=utc_of(form.nominations_open_at.data),  # type: ignore[arg-type]
        nominations_close_at=utc_of(form.nominations_close_at.data),  # type: ignore[arg-type]
        judging_deadline=form.judging_deadline.data,
        ceremony_at=utc_of(form.ceremony_at.data),  # type: ignore[arg-type]
        venue=form.venue.data,
    )


def _save_cycle(form: CycleForm, cycle: AwardCycle | None) -> PageResult:
    if form.validate_on_submit():
        try:
            saved = setup.save_cycle(_cycle_data(form), signed_in_user(), cycle)
        except services.AwardsRefused as refused:
            form.year.errors = [str(refused)]
        else:
            db.session.commit()
            flash("The awards cycle is saved.", "success")
            return redirect(url_for("awards.staff_cycle", year=saved.year))
    return render_form("awards/cycle_form.html", form, cycle=cycle)


@bp.route("/staff/awards/new", methods=["GET", "POST"])
@staff_required
def new_cycle() -> PageResult:
    return _save_cycle(CycleForm(), None)


def _cycle_fields(cycle: AwardCycle) -> dict[str, Any]:
    """The cycle as its form shows it: times in local wall-clock time."""
    return {
        "year": cycle.year,
        "title": cycle.title,
        "judging_deadline": cycle.judging_deadline,
        "venue": cycle.venue,
    } | {
        name: to_local(getattr(cycle, name)).replace(tzinfo=None)
        for name in ("nominations_open_at", "nominations_close_at", "ceremony_at")
    }


@bp.route("/staff/awards/<int:year>/edit", methods=["GET", "POST"])
@staff_required
def edit_cycle(year: int) -> PageResult:
    cycle = cycle_or_404(year)
    form = CycleForm(data=_cycle_fields(cycle) if request.method == "GET" else None)
    return _save_cycle(form, cycle)


@bp.get("/staff/awards/<int:year>")
@staff_required
def staff_cycle(year: int) -> str:
    cycle = cycle_or_404(year)
    return render_template(
        "awards/staff_cycle.html",
        cycle=cycle,
        counts=queries.category_counts(cycle),
        judges=queries.judges_of(cycle),
        judge_form=JudgeForm(),
        confirm=ConfirmForm(),
        unlocked=services.unlocked_count(cycle),
    )


def _category_data(form: CategoryForm) -> setup.CategoryData:
    return setup.CategoryData(
        name=form.name.data,
        description=form.description.data or "",
        criteria=form.criteria_list(),
        eligibility=Eligibility(form.eligibility.data),
        age_on=form.age_on.data,
        minimum_hours=form.minimum_hours.data,
    )


def _save_category(
    form: CategoryForm, cycle: AwardCycle, category: AwardCategory | None
) -> PageResult:
    if form.validate_on_submit():
        try:
            setup.save_category(cycle, _category_data(form), signed_in_user(), category)
        except services.AwardsRefused as refused:
            form.name.errors = [str(refused)]
        else:
            db.session.commit()
            flash("The category is saved.", "success")
            return redirect(url_for("awards.staff_cycle", year=cycle.year))
    return render_form("awards/category_form.html", form, cycle=cycle, category=category)


@bp.route("/staff/awards/<int:year>/categories/new", methods=["GET", "POST"])
@staff_required
def new_category(year: int) -> PageResult:
    return _save_category(CategoryForm(), cycle_or_404(year), None)


def category_or_404(category_id: int) -> AwardCategory:
    category: AwardCategory = db.get_or_404(AwardCategory, category_id)
    return category


def _category_fields(category: AwardCategory) -> dict[str, Any]:
    names = ("name", "description", "eligibility", "age_on", "minimum_hours")
    return {name: getattr(category, name) for name in names} | {
        "criteria": "\n".join(category.criteria)
    }


@bp.route("/staff/awards/categories/<int:category_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_category(category_id: int) -> PageResult:
    category = category_or_404(category_id)
    form = CategoryForm(data=_category_fields(category) if request.method == "GET" else None)
    return _save_category(form, category.cycle, category)


def _back_to_cycle(category: AwardCategory) -> PageResult:
    return redirect(url_for("awards.staff_cycle", year=category.cycle.year))


@bp.post("/staff/awards/categories/<int:category_id>/judges")
@staff_required
def assign_judge(category_id: int) -> PageResult:
    category = category_or_404(category_id)
    form = JudgeForm()
    if form.validate_on_submit():
        judge = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.lower())
        )
        try:
            if judge is None:
                raise services.AwardsRefused("There is no account with that email address.")
            setup.assign_judge(category, judge, signed_in_user())
        except services.AwardsRefused as refused:
            form.email.errors = [str(refused)]
        else:
            db.session.commit()
            flash(f"{judge.name} now judges {category.name}.", "success")
            return _back_to_cycle(category)
    return render_form("awards/judge_form.html", form, category=category)


@bp.post("/staff/awards/judges/<int:assignment_id>/remove")
@staff_required
def remove_judge(assignment_id: int) -> PageResult:
    assignment: JudgeAssignment = db.get_or_404(JudgeAssignment, assignment_id)
    category = assignment.category
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template(
            "awards/problem.html", message="Use the button to remove a judge."
        ), 422
    try:
        setup.remove_judge(assignment, signed_in_user())
    except services.AwardsRefused as refused:
        return render_template("awards/problem.html", message=str(refused)), 422
    db.session.commit()
    flash("The judge is removed from the category.", "success")
    return _back_to_cycle(category)


def _results_page(category: AwardCategory, status: int = 200, **context: Any) -> PageResult:
    page = render_template(
        "awards/results.html",
        category=category,
        tallies=judging.tallies(category),
        outcome_form=OutcomeForm(),
        confirm=ConfirmForm(),
        **context,
    )
    return page, status


@bp.get("/staff/awards/categories/<int:category_id>/results")
@staff_required
def results(category_id: int) -> PageResult:
    return _results_page(category_or_404(category_id))


@bp.post("/staff/awards/categories/<int:category_id>/lock")
@staff_required
def lock(category_id: int) -> PageResult:
    category = category_or_404(category_id)
    if not ConfirmForm().validate_on_submit():
        return _results_page(category, 422, problem="Use the button to lock the category.")
    try:
        services.lock_category(category, signed_in_user())
    except services.AwardsRefused as refused:
        db.session.rollback()
        return _results_page(category, 422, problem=str(refused))
    db.session.commit()
    flash(f"{category.name} is locked: its results are final.", "success")
    return redirect(url_for("awards.results", category_id=category.id))


@bp.post("/staff/awards/<int:year>/publish")
@staff_required
def publish(year: int) -> PageResult:
    cycle = cycle_or_404(year)
    problem = None
    if not ConfirmForm().validate_on_submit():
        problem = "Use the button to publish the results."
    else:
        try:
            services.publish_results(cycle, signed_in_user())
        except services.AwardsRefused as refused:
            problem = str(refused)
    if problem is not None:
        db.session.rollback()
        return render_template("awards/problem.html", message=problem), 422
    db.session.commit()
    flash("The results are published on the awards page.", "success")
    return redirect(url_for("awards.staff_cycle", year=year))
