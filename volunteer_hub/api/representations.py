"""Roles and organisations as the API's plain JSON (described in `openapi.py`).

Only what the public pages already show goes out: a published role's address is on its
page, so it is here too; an organisation's contact details and due diligence are not.
Build many at once from objects loaded with `ROLE_LOADS` / `ORGANISATION_LOADS`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from ..organisations.models import Organisation
from ..periods import PERIODS
from ..reference.models import Category, Concept, Locality, Skill
from ..roles.models import Attendance, Role
from ..urls import external_url

JsonObject = dict[str, Any]

# Everything `role_json` reads, in a fixed number of queries whatever the page size.
ROLE_LOADS: tuple[LoaderOption, ...] = (
    selectinload(Role.organisation),
    selectinload(Role.category),
    selectinload(Role.locality),
    selectinload(Role.skills),
    selectinload(Role.concepts),
    selectinload(Role.periods),
)
ORGANISATION_LOADS: tuple[LoaderOption, ...] = (
    selectinload(Organisation.locality),
    selectinload(Organisation.causes),
)


def timestamp(value: datetime | None) -> str | None:
    """`2026-05-01T09:30:00Z`: RFC 3339 in UTC."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def named(item: Category | Locality | None) -> JsonObject | None:
    return {"slug": item.slug, "name": item.name} if item is not None else None


def concept_json(concept: Concept) -> JsonObject:
    return {"iri": concept.iri, "label": concept.label}


def skill_json(skill: Skill) -> JsonObject:
    return {"slug": skill.slug, "name": skill.name, "iri": skill.iri}


def organisation_ref(organisation: Organisation) -> JsonObject:
    return {
        "id": organisation.id,
        "slug": organisation.slug,
        "name": organisation.name,
        "url": external_url("organisations.detail", slug=organisation.slug),
    }


def role_json(role: Role) -> JsonObject:
    """One published role, as `#/components/schemas/Role` describes it."""
    in_person = role.attendance != Attendance.REMOTE
    return {
        "id": role.id,
        "slug": role.slug,
        "url": external_url("roles.detail", slug=role.slug),
        "title": role.title,
        "summary": role.summary,
        "description": role.description,
        "organisation": organisation_ref(role.organisation),
        "category": named(role.category),
        "locality": named(role.locality),
        "attendance": role.attendance,
        "address": (role.address.strip() or None) if in_person else None,
        "postcode": role.postcode if in_person else None,
        "commitment": role.commitment,
        "commitment_text": role.commitment_text,
        "periods": [period.slug for period in PERIODS if period.slug in role.period_slugs],
        "starts_on": day(role.starts_on),
        "ends_on": day(role.ends_on),
        "apply_by": day(role.apply_by),
        "places": role.places,
        "minimum_age": role.minimum_age,
        "dbs_level": role.dbs_level,
        "skills": [skill_json(skill) for skill in role.skills],
        "causes": [concept_json(c) for c in role.concepts_in("cause")],
        "requirements": [concept_json(c) for c in role.concepts_in("requirement")],
        "rewards": [concept_json(c) for c in role.concepts_in("reward")],
        "accessibility": [concept_json(c) for c in role.concepts_in("accessibility")],
        "accessibility_notes": role.accessibility_notes,
        "groups_welcome": role.groups_welcome,
        "max_group_size": role.max_group_size,
        "published_at": timestamp(role.published_at),
    }


def organisation_json(organisation: Organisation) -> JsonObject:
    """One approved organisation, as `#/components/schemas/Organisation` describes it."""
    return {
        **organisation_ref(organisation),
        "kind": organisation.kind,
        "kind_label": organisation.kind_label,
        "charity_number": organisation.charity_number,
        "description": organisation.description,
        "website": organisation.website,
        "locality": named(organisation.locality),
        "causes": [concept_json(concept) for concept in organisation.causes],
        "roles": external_url("api.roles", organisation=organisation.slug),
    }
