"""Staff lists of training: what expires soon, and who lacks the training their role needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response

from ..clock import local_today
from ..csvexport import csv_response
from ..extensions import db
from ..permissions import staff_required
from ..reference.settings import setting_int
from ..volunteers.services import renewal_base
from . import expiry

bp = Blueprint("training_staff", __name__)

PER_PAGE = 20


class RowPagination(Pagination):
    """A page of plain rows (several columns each), which `db.paginate` would cut to the
    first column."""

    def _query_items(self) -> list[Any]:
        query: Select[Any] = self._query_args["query"]
        return list(db.session.execute(query.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        query: Select[Any] = self._query_args["query"]
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        return int(db.session.execute(counted).scalar_one())


@bp.get("/staff/training/expiring")
@staff_required
def expiring() -> str:
    today = local_today()
    page = db.paginate(expiry.expiring(today), per_page=PER_PAGE, error_out=False)
    first = page.page == 1  # the checks falling due are listed on the first page
    return render_template(
        "training/staff_expiring.html",
        page=page,
        checks=expiry.checks_falling_due(today, setting_int("dbs_recheck_months")) if first else [],
        roles=expiry.roles_needing([record.id for record in page.items]),
        today=today,
        days=expiry.LIST_DAYS,
    )


@bp.get("/staff/training/expiring.csv")
@staff_required
def expiring_csv() -> Response:
    today = local_today()
    records = db.session.scalars(expiry.expiring(today)).all()
    roles = expiry.roles_needing(expiry.expiring_ids(today))
    header = ["Volunteer", "Email", "Course", "Completed on", "Expires on", "Days left"]
    rows = [
        [
            record.volunteer.name if record.volunteer else "",
            record.volunteer.email if record.volunteer else "",
            record.course.title,
            record.completed_on.isoformat(),
            record.expires_on.isoformat() if record.expires_on else "",
            (record.expires_on - today).days if record.expires_on else "",
            "; ".join(f"{role.role} ({role.organisation})" for role in roles.get(record.id, [])),
        ]
        for record in records
    ]
    rows += [
        [
            check.volunteer.name,
            check.volunteer.email,
            f"{check.kind} check ({check.level_label})",
            renewal_base(check).isoformat(),
            due.isoformat(),
            (due - today).days,
            "",
        ]
        for check, due in expiry.checks_falling_due(today, setting_int("dbs_recheck_months"))
    ]
    return csv_response(
        f"training-expiring-{today.isoformat()}.csv", [*header, "Active roles needing it"], rows
    )


@bp.get("/staff/training/gaps")
@staff_required
def gaps() -> str:
    page = RowPagination(per_page=PER_PAGE, error_out=False, query=expiry.gaps(local_today()))
    return render_template("training/staff_gaps.html", page=page)


@bp.get("/staff/training/gaps.csv")
@staff_required
def gaps_csv() -> Response:
    today = local_today()
    rows = [
        [row.volunteer, row.email, row.role, row.organisation, row.course]
        for row in db.session.execute(expiry.gaps(today))
    ]
    header = ["Volunteer", "Email", "Role", "Organisation", "Missing course"]
    return csv_response(f"training-gaps-{today.isoformat()}.csv", header, rows)
