"""`/staff/reports` (the hub's impact report) and `/org/<slug>/reports` (an organisation's
own), each with its tables as CSV and the whole report as a PDF, from the same filters."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required
from sqlalchemy import select

from ..clock import local_today
from ..csvexport import csv_response
from ..extensions import db
from ..organisations.models import Organisation
from ..pdf import pdf_response, render_pdf
from ..permissions import coordinated_organisation, staff_required
from ..urls import external_url
from ..web import PageResult
from .forms import ReportForm
from .presenting import charts_of, filter_words, headline_of, method_of, wait_note
from .report import TABLES, TOP_ORGANISATIONS, ImpactReport, build_report, table, tables

bp = Blueprint("reports", __name__)
REPORT_ARGS = ("from", "to", "category", "area", "kind", "organisation")


def _kept() -> dict[str, str]:
    """The report's own parameters from the address, to carry into its links."""
    return {key: value for key in REPORT_ARGS if (value := request.args.get(key, ""))}


def _chosen_organisation() -> Organisation | None:
    """The organisation staff narrowed the report to (`?organisation=<slug>`), if any."""
    slug = request.args.get("organisation", "").strip()
    if not slug:
        return None
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    return organisation


def _report(form: ReportForm, organisation: Organisation | None, own: bool) -> ImpactReport | None:
    if not form.validate():
        return None
    scope = organisation.id if organisation is not None else None
    filters = form.filters(scope)
    form.start.data, form.end.data = filters.start, filters.end  # show the period covered
    return build_report(filters, for_organisation=own)


def _page(
    organisation: Organisation | None, own: bool, endpoint_args: dict[str, str]
) -> PageResult:
    form = ReportForm(request.args, today=local_today())
    report = _report(form, organisation, own)
    prefix = "reports.organisation" if own else "reports.staff"
    page = render_template(
        "reports/report.html",
        form=form,
        report=report,
        organisation=organisation,
        own=own,
        tables=tables(report) if report else {},
        charts=charts_of(report) if report else {},
        headline=headline_of(report) if report else [],
        method=method_of(report) if report else None,
        csv_endpoint=f"{prefix}_csv",
        pdf_endpoint=f"{prefix}_pdf",
        page_endpoint=f"{prefix}_report",
        endpoint_args=endpoint_args,
        link_args=endpoint_args | _kept(),
        every_organisation={k: v for k, v in _kept().items() if k != "organisation"},
        wait_note=wait_note(report) if report else "",
        top_organisations=TOP_ORGANISATIONS,
    )
    return page, 200 if report else 422


def _csv(
    organisation: Organisation | None, own: bool, table_slug: str, endpoint_args: dict[str, str]
) -> PageResult:
    if table_slug not in TABLES:
        abort(404)
    form = ReportForm(request.args, today=local_today())
    report = _report(form, organisation, own)
    if report is None:
        return _page(organisation, own, endpoint_args)
    chosen = table(report, table_slug)
    if chosen is None:
        abort(404)
    return csv_response(
        _filename(report, organisation, chosen.slug, "csv"), chosen.header, chosen.rows
    )


def _pdf(organisation: Organisation | None, own: bool, endpoint_args: dict[str, str]) -> PageResult:
    form = ReportForm(request.args, today=local_today())
    report = _report(form, organisation, own)
    if report is None:
        return _page(organisation, own, endpoint_args)
    data = render_pdf(
        "pdf/report.html",
        tagged=True,
        report=report,
        organisation=organisation,
        tables=tables(report),
        charts=charts_of(report),
        headline=headline_of(report),
        method=method_of(report),
        today=local_today(),
        page_url=external_url(
            f"reports.{'organisation' if own else 'staff'}_report", **endpoint_args, **_kept()
        ),
        wait_note=wait_note(report),
        filter_words=filter_words(report),
        top_organisations=TOP_ORGANISATIONS,
    )
    return pdf_response(data, _filename(report, organisation, "impact-report", "pdf"))


def _filename(
    report: ImpactReport, organisation: Organisation | None, what: str, extension: str
) -> str:
    who = organisation.slug if organisation is not None else "hub"
    period = f"{report.filters.start.isoformat()}-to-{report.filters.end.isoformat()}"
    return f"{who}-{what}-{period}.{extension}"


@bp.get("/staff/reports")
@staff_required
def staff_report() -> PageResult:
    return _page(_chosen_organisation(), False, {})


@bp.get("/staff/reports/<table_slug>.csv")
@staff_required
def staff_csv(table_slug: str) -> PageResult:
    return _csv(_chosen_organisation(), False, table_slug, {})


@bp.get("/staff/reports/report.pdf")
@staff_required
def staff_pdf() -> PageResult:
    return _pdf(_chosen_organisation(), False, {})


@bp.get("/org/<slug>/reports")
@login_required
def organisation_report(slug: str) -> PageResult:
    return _page(coordinated_organisation(slug), True, {"slug": slug})


@bp.get("/org/<slug>/reports/<table_slug>.csv")
@login_required
def organisation_csv(slug: str, table_slug: str) -> PageResult:
    return _csv(coordinated_organisation(slug), True, table_slug, {"slug": slug})


@bp.get("/org/<slug>/reports/report.pdf")
@login_required
def organisation_pdf(slug: str) -> PageResult:
    return _pdf(coordinated_organisation(slug), True, {"slug": slug})
