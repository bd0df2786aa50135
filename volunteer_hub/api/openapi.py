"""The OpenAPI 3.1 document of the read-only API, served at `/api/v1/openapi.json`.

Its component schemas are JSON Schema 2020-12; the tests validate every response the API
documents against them, so change them together with `representations.py`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..discover.feeds import open_data_licence
from ..discover.filters import COMMITMENTS, MAX_KEYWORDS_LENGTH, SORTS
from ..extensions import MAX_PAGE
from ..organisations.models import OrganisationKind
from ..periods import PERIODS
from ..urls import external_url
from .parameters import DEFAULT_PER_PAGE, MAX_NAME_SEARCH, MAX_PER_PAGE

LICENCE_NAMES = {"OGL-UK-3.0": "Open Government Licence v3.0"}

JsonObject = dict[str, Any]


def _ref(name: str) -> JsonObject:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> JsonObject:
    return {"type": [kind, "null"], **extra}


def _list_of(name: str) -> JsonObject:
    return {"type": "array", "items": _ref(name)}


def _query(name: str, schema: JsonObject, description: str, *, many: bool = False) -> JsonObject:
    parameter: JsonObject = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": schema} if many else schema,
    }
    if many:
        parameter.update(style="form", explode=True)
    return parameter


SLUG: JsonObject = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 140}
FLAG: JsonObject = {"type": "string", "enum": ["0", "1"]}
URL: JsonObject = {"type": "string", "format": "uri"}
DATE: JsonObject = {"type": ["string", "null"], "format": "date"}

PAGE_PARAMETERS = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page number."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "Items a page.",
    ),
]

ROLE_PARAMETERS = [
    _query("q", {"type": "string", "maxLength": MAX_KEYWORDS_LENGTH}, "Keywords; any text."),
    _query("category", SLUG, "Category slugs.", many=True),
    _query("locality", SLUG, "Locality slugs.", many=True),
    _query("skill", SLUG, "Skill slugs.", many=True),
    _query("organisation", SLUG, "Organisation slugs.", many=True),
    _query("commitment", {"type": "string", "enum": list(COMMITMENTS)}, "One-off or regular."),
    _query(
        "period",
        {"type": "string", "enum": [period.slug for period in PERIODS]},
        "Weekday periods the role happens in (any of them).",
        many=True,
    ),
    _query("remote", FLAG, "1: roles that can be done remotely."),
    _query("groups", FLAG, "1: roles that welcome groups."),
    _query("no_dbs", FLAG, "1: roles that need no DBS check."),
    _query("under18", FLAG, "1: roles open to people under 18."),
    _query(
        "sort",
        {"type": "string", "enum": list(SORTS)},
        "relevance (with q, the default then), newest (otherwise the default) or closing.",
    ),
    *PAGE_PARAMETERS,
]

ORGANISATION_PARAMETERS = [
    _query("q", {"type": "string", "maxLength": MAX_NAME_SEARCH}, "Part of the name."),
    _query("kind", {"type": "string", "enum": [str(kind) for kind in OrganisationKind]}, "Kind."),
    _query("locality", SLUG, "Locality slugs.", many=True),
    *PAGE_PARAMETERS,
]

SCHEMAS: JsonObject = {
    "Named": {
        "type": "object",
        "required": ["slug", "name"],
        "additionalProperties": False,
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    },
    "Concept": {
        "description": "A concept of the UK volunteering data standard's taxonomies.",
        "type": "object",
        "required": ["iri", "label"],
        "additionalProperties": False,
        "properties": {"iri": URL, "label": {"type": "string"}},
    },
    "Skill": {
        "type": "object",
        "required": ["slug", "name", "iri"],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "iri": _nullable("string", format="uri", description="The standard's concept."),
        },
    },
    "OrganisationRef": {
        "type": "object",
        "required": ["id", "slug", "name", "url"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {**URL, "description": "The organisation's page on the hub."},
        },
    },
    "Organisation": {
        "type": "object",
        "required": [
            *("id", "slug", "name", "url", "kind", "kind_label", "charity_number"),
            *("description", "website", "locality", "causes", "roles"),
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {**URL, "description": "The organisation's page on the hub."},
            "kind": {"type": "string", "enum": [str(kind) for kind in OrganisationKind]},
            "kind_label": {"type": "string"},
            "charity_number": _nullable("string", pattern="^[0-9]+$"),
            "description": {"type": "string"},
            "website": _nullable("string"),
            "locality": {"oneOf": [_ref("Named"), {"type": "null"}]},
            "causes": _list_of("Concept"),
            "roles": {**URL, "description": "This API's list of the organisation's roles."},
        },
    },
    "Role": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            *("id", "slug", "url", "title", "summary", "description", "organisation"),
            *("category", "locality", "attendance", "address", "postcode", "commitment"),
            *("commitment_text", "periods", "starts_on", "ends_on", "apply_by", "places"),
            *("minimum_age", "dbs_level", "skills", "causes", "requirements", "rewards"),
            *("accessibility", "accessibility_notes", "groups_welcome", "max_group_size"),
            "published_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "url": {**URL, "description": "The role's page, where people apply."},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string", "description": "Markdown, as written."},
            "organisation": _ref("OrganisationRef"),
            "category": _ref("Named"),
            "locality": {"oneOf": [_ref("Named"), {"type": "null"}]},
            "attendance": {"type": "string", "enum": ["in-person", "remote", "hybrid"]},
            "address": _nullable("string", description="Null for remote roles."),
            "postcode": _nullable("string"),
            "commitment": {"type": "string", "enum": list(COMMITMENTS)},
            "commitment_text": {"type": "string", "description": "e.g. 3 hours a week"},
            "periods": {
                "type": "array",
                "items": {"type": "string", "enum": [period.slug for period in PERIODS]},
            },
            "starts_on": DATE,
            "ends_on": DATE,
            "apply_by": {**DATE, "description": "The last day to apply."},
            "places": {"type": "integer", "minimum": 1},
            "minimum_age": _nullable("integer", minimum=0),
            "dbs_level": _nullable("string", description="The DBS check the role needs."),
            "skills": _list_of("Skill"),
            "causes": _list_of("Concept"),
            "requirements": _list_of("Concept"),
            "rewards": _list_of("Concept"),
            "accessibility": _list_of("Concept"),
            "accessibility_notes": {"type": "string"},
            "groups_welcome": {"type": "boolean"},
            "max_group_size": _nullable("integer", minimum=1),
            "published_at": {"type": "string", "format": "date-time"},
        },
    },
    "Links": {
        "type": "object",
        "required": ["self", "first", "last", "next", "prev"],
        "additionalProperties": False,
        "properties": {
            "self": URL,
            "first": URL,
            "last": URL,
            "next": _nullable("string", format="uri"),
            "prev": _nullable("string", format="uri"),
        },
    },
    "Page": {
        "type": "object",
        "required": ["total", "page", "per_page", "pages", "links"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 0},
            "links": _ref("Links"),
        },
    },
    "RolePage": {
        "allOf": [_ref("Page")],
        "required": ["items"],
        "properties": {"items": _list_of("Role")},
    },
    "OrganisationPage": {
        "allOf": [_ref("Page")],
        "required": ["items"],
        "properties": {"items": _list_of("Organisation")},
    },
    "ParameterError": {
        "type": "object",
        "required": ["parameter", "message"],
        "additionalProperties": False,
        "properties": {"parameter": {"type": "string"}, "message": {"type": "string"}},
    },
    "Problem": {
        "description": "An error, in the shape of RFC 9457 problem details.",
        "type": "object",
        "required": ["type", "title", "status", "detail", "errors"],
        "additionalProperties": False,
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": _list_of("ParameterError"),
        },
    },
}


def _json(schema: JsonObject, description: str, media: str = "application/json") -> JsonObject:
    return {"description": description, "content": {media: {"schema": schema}}}


PROBLEM = "application/problem+json"
ERRORS: JsonObject = {
    "400": _json(_ref("Problem"), "A parameter is malformed; `errors` names it.", PROBLEM),
    "429": _json(_ref("Problem"), "Too many requests from this address; try later.", PROBLEM),
}


def _operation(operation_id: str, summary: str, ok: JsonObject, **extra: Any) -> JsonObject:
    """A GET operation answering 200 with `ok`, or a problem: 400 and 429 unless `responses`
    (merged over them) says otherwise."""
    responses = {"200": ok, **ERRORS, **extra.pop("responses", {})}
    return {
        "operationId": operation_id,
        "summary": summary,
        "responses": {status: answer for status, answer in responses.items() if answer},
        **extra,
    }


PATHS: JsonObject = {
    "/roles": {
        "get": _operation(
            "listRoles",
            "Published roles, filtered and sorted as on the hub's search page.",
            _json(_ref("RolePage"), "A page of roles."),
            parameters=ROLE_PARAMETERS,
        )
    },
    "/roles/{role_id}": {
        "get": _operation(
            "getRole",
            "One published role.",
            _json(_ref("Role"), "The role."),
            parameters=[
                {"name": "role_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            responses={
                "400": None,
                "404": _json(_ref("Problem"), "No published role has this id.", PROBLEM),
            },
        )
    },
    "/organisations": {
        "get": _operation(
            "listOrganisations",
            "Organisations the hub has approved, by name.",
            _json(_ref("OrganisationPage"), "A page of organisations."),
            parameters=ORGANISATION_PARAMETERS,
        )
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document.",
            "responses": {
                "200": _json({"type": "object"}, "The OpenAPI document."),
                "429": ERRORS["429"],
            },
        }
    },
}


def openapi_document() -> JsonObject:
    """The whole document; the server URL is the hub's configured base."""
    hub = current_app.config["HUB_NAME"]
    licence = open_data_licence()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{hub} API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the roles (volunteering opportunities) the hub has "
                "published and the organisations it has approved. No key is needed; "
                "requests are limited per address, and any website may call it (CORS). "
                "The same roles are in the UK volunteering data standard's shape at "
                f"{external_url('discover.volunteeringdata')}."
            ),
            "license": {"name": LICENCE_NAMES.get(licence, licence), "identifier": licence},
        },
        "servers": [{"url": external_url("api.roles").removesuffix("/roles")}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
