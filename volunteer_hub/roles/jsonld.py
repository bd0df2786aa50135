"""Roles in the shape of the UK volunteering data standard (standard.volunteeringdata.io).

The standard nests what we call a role: an `Organisation` has `activity` objects; each
activity has `role` objects (who is wanted and what they need) and `session` objects (where
and when). One hub role becomes one activity with one role and one session. Concepts
(requirements, rewards, skills, accessibility, causes, weekday periods) are the standard's
IRIs, `https://ns.volunteeringdata.io/<Name>`; local skills without an IRI are left out.

`role_jsonld(role)` is a complete document for one role page; `organisation_jsonld(...)` is
one node of a feed's `graph`, to which the feed adds `@context` and its own metadata. Load
the relationships used here (organisation and its causes, skills, concepts, periods,
locality) with `selectinload` when building many at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..organisations.models import Organisation
from ..periods import PERIODS
from ..urls import external_url
from .models import Attendance, Commitment, Role

CONTEXT = "https://api.volunteeringdata.io/context/v1"
CONFORMS_TO = "https://ns.volunteeringdata.io/"
COMMITMENT_WORDS = {Commitment.ONE_OFF: "One-off", Commitment.REGULAR: "Regular"}

JsonObject = dict[str, Any]


def role_jsonld(role: Role) -> JsonObject:
    """One role as a JSON-LD document: its organisation with one activity, with `@context`."""
    return {"@context": CONTEXT, **organisation_jsonld(role.organisation, [role])}


def organisation_jsonld(organisation: Organisation, roles: Iterable[Role]) -> JsonObject:
    """An `Organisation` node with one activity per role given (no `@context`)."""
    node: JsonObject = {
        "type": "Organisation",
        "id": external_url("organisations.detail", slug=organisation.slug),
        "name": organisation.name,
        "description": organisation.description,
    }
    if organisation.website:
        node["website"] = organisation.website
    if organisation.charity_number:
        node["charityNumber"] = organisation.charity_number
    node["cause"] = [concept.iri for concept in organisation.causes]
    node["activity"] = [activity_jsonld(role) for role in roles]
    return node


def activity_jsonld(role: Role) -> JsonObject:
    """The role as an `Activity` holding one `Role` and one `Session`."""
    url = external_url("roles.detail", slug=role.slug)
    activity: JsonObject = {
        "type": "Activity",
        "id": f"{url}#activity",
        "title": role.title,
        "description": role.summary,
        "role": [_role_node(role, url)],
        "session": [_session_node(role, url)],
    }
    if role.published_at is not None:
        activity["publishStartDate"] = role.published_at.date().isoformat()
    if role.apply_by is not None:
        activity["publishEndDate"] = role.apply_by.isoformat()
    return activity


def commitment_words(role: Role) -> str:
    """`Regular: 3 hours a week`, or just the kind when no words were written."""
    kind = COMMITMENT_WORDS.get(Commitment(role.commitment), role.commitment)
    return f"{kind}: {role.commitment_text}" if role.commitment_text else kind


def _role_node(role: Role, url: str) -> JsonObject:
    node: JsonObject = {
        "type": "Role",
        "id": f"{url}#role",
        "title": role.title,
        "description": role.description,
        "commitment": commitment_words(role),
        "applyLink": url,
        "allowsRemoteParticipation": role.attendance != Attendance.IN_PERSON,
        "requirement": _iris(role, "requirement"),
        "reward": _iris(role, "reward"),
        "skill": [skill.iri for skill in role.skills if skill.iri],
        "accessibility": _iris(role, "accessibility"),
    }
    if role.minimum_age is not None:
        node["minimumAge"] = str(role.minimum_age)
    return node


def _session_node(role: Role, url: str) -> JsonObject:
    node: JsonObject = {
        "type": "Session",
        "id": f"{url}#session",
        "time": [period.iri for period in PERIODS if period.slug in role.period_slugs],
    }
    if role.attendance != Attendance.REMOTE:
        node["location"] = _location(role)
    return node


def _location(role: Role) -> JsonObject:
    place = role.locality.name if role.locality is not None else role.organisation.name
    address = ", ".join(part for part in (role.address.strip(), role.postcode or "") if part)
    location: JsonObject = {"type": "Location", "name": place}
    if address:
        location["address"] = address
    return location


def _iris(role: Role, scheme: str) -> list[str]:
    return [concept.iri for concept in role.concepts_in(scheme)]
