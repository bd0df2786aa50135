"""The read-only JSON API, `/api/v1/...`: published roles and approved organisations.

Roles take the search parameters of `/roles` (`discover.filters`), checked strictly: a
malformed value is a 400 naming it. Every answer, errors included, is JSON, may be read from
any website (CORS) and counts towards a limit per address (`API_RATE_LIMIT`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, select
from werkzeug.exceptions import HTTPException, NotFound

from ..discover.filters import InvalidFilters
from ..extensions import db, limiter
from ..organisations.models import Organisation, OrganisationStatus
from ..reference.models import Locality
from ..roles.models import Role
from ..roles.search import search_roles
from ..roles.services import published_roles
from ..urls import external_url
from .cors import allow_any_origin
from .openapi import openapi_document
from .parameters import OrganisationFilters, organisation_parameters, role_parameters
from .representations import ORGANISATION_LOADS, ROLE_LOADS, organisation_json, role_json

DEFAULT_RATE_LIMIT = "300 per hour; 30 per minute"
PROBLEM_TYPE = "application/problem+json"

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.after_request(allow_any_origin)


def rate_limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT)


limiter.shared_limit(rate_limit, scope="api")(bp)


def problem(
    status: int, title: str, detail: str, errors: dict[str, list[str]] | None = None
) -> Response:
    """An RFC 9457 problem document; `errors` lists each parameter's problems."""
    listed = [
        {"parameter": name, "message": message}
        for name, messages in (errors or {}).items()
        for message in messages
    ]
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    response = jsonify({**body, "errors": listed})
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


@bp.errorhandler(InvalidFilters)
def invalid_parameters(error: InvalidFilters) -> Response:
    detail = "Some parameters are not valid: see errors."
    return problem(400, "Bad Request", detail, error.errors)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    code = error.code or 500
    detail = error.description or ""
    if code == 429:
        detail = f"Too many requests from this address (limit: {detail}). Try again later."
    return problem(code, error.name, detail)


def page_json(
    page: Pagination, items: list[dict[str, Any]], endpoint: str, args: dict[str, Any]
) -> dict[str, Any]:
    """The envelope of every list: items, counts, and links to the pages around this one."""
    per_page = page.per_page

    def link(number: int) -> str:
        return external_url(endpoint, **args, per_page=per_page, page=number)

    last = max(page.pages, 1)
    return {
        "items": items,
        "total": page.total or 0,
        "page": page.page,
        "per_page": per_page,
        "pages": page.pages,
        "links": {
            "self": link(page.page),
            "first": link(1),
            "last": link(last),
            "next": link(page.page + 1) if page.page < page.pages else None,
            "prev": link(min(page.page - 1, last)) if page.page > 1 else None,
        },
    }


@bp.get("/roles")
def roles() -> Response:
    filters, per_page = role_parameters(request.args)
    query = search_roles(filters).options(*ROLE_LOADS)
    page = db.paginate(query, page=filters.page, per_page=per_page, error_out=False)
    items = [role_json(role) for role in page.items]
    return jsonify(page_json(page, items, "api.roles", filters.to_args()))


@bp.get("/roles/<int:role_id>")
def role(role_id: int) -> Response:
    query = published_roles().where(Role.id == role_id).options(*ROLE_LOADS)
    found = db.session.scalar(query)
    if found is None:
        raise NotFound("No published role has this id.")
    return jsonify(role_json(found))


@bp.get("/organisations")
def organisations() -> Response:
    filters = organisation_parameters(request.args)
    query = approved_organisations(filters).options(*ORGANISATION_LOADS)
    page = db.paginate(query, page=filters.page, per_page=filters.per_page, error_out=False)
    items = [organisation_json(organisation) for organisation in page.items]
    return jsonify(page_json(page, items, "api.organisations", filters.to_args()))


def approved_organisations(filters: OrganisationFilters) -> Select[Organisation]:
    """The approved organisations that match, by name."""
    query = select(Organisation).where(Organisation.status == OrganisationStatus.APPROVED)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Organisation.name.ilike(f"%{escaped}%", escape="\\"))
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind)
    if filters.locality:
        in_localities = select(Locality.id).where(Locality.slug.in_(filters.locality))
        query = query.where(Organisation.locality_id.in_(in_localities))
    return query.order_by(Organisation.name, Organisation.id)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/<path:anything>")
def not_found(anything: str) -> Response:
    """Any other path under the API: a JSON 404, not the site's HTML page."""
    raise NotFound("Nothing is here. The API is described at /api/v1/openapi.json.")
