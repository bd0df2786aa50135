"""Reading and editing the reference lists; loading skills from the data standard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeVar

from slugify import slugify
from sqlalchemy import func, select
from wtforms import SelectChoice

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from .models import (
    AnyReferenceItem,
    Category,
    Concept,
    DeclineMessage,
    Locality,
    ReferenceModel,
    Skill,
)

Item = TypeVar("Item", Category, Locality, Skill, DeclineMessage)

KINDS: dict[str, ReferenceModel] = {
    "categories": Category,
    "localities": Locality,
    "skills": Skill,
    "decline-messages": DeclineMessage,
}

# The fields of volunteering every hub starts with; staff add, rename and retire them.
STANDARD_CATEGORIES = {
    "Community libraries": "Run and support the borough's community-managed libraries.",
    "Country parks and countryside": "Care for parks, woods, rivers and paths with friends groups.",
    "Corporate volunteering": "Team days and skills volunteering for local employers.",
    "Health and social care": "Support patients, carers and people living at home.",
    "Children and young people": "Youth clubs, mentoring, reading and sport for young people.",
    "Older people": "Befriending, lunch clubs, transport and digital help for older residents.",
    "Environment": "Litter picks, tree planting, recycling and climate action.",
    "Sport and leisure": "Coaching, stewarding and running local clubs and parkruns.",
    "Arts and heritage": "Museums, historic houses, archives and community arts.",
    "Food and poverty": "Food banks, community pantries and advice on the cost of living.",
    "Advice and advocacy": "Help people understand their rights, benefits and options.",
    "Events": "Festivals, fun runs and one-off community events.",
    "Office and admin": "Reception, data entry, fundraising and back-office help.",
}


# Kind words for applicants who are not offered a place; staff edit and add to them.
STANDARD_DECLINE_MESSAGES = {
    "Role filled": (
        "Thank you for offering your time. The places on this role have all been taken, so "
        "we cannot offer you one this time. Please look at the hub's other roles: there is "
        "plenty of volunteering that would welcome you."
    ),
    "Not the right fit": (
        "Thank you for applying. Having read your application, we do not think this role is "
        "the right fit for you just now. The hub's team would be glad to help you find one "
        "that is: just reply to this email."
    ),
    "Times do not match": (
        "Thank you for applying. The role needs help at times you told us you are not free, "
        "so we cannot offer you a place. Roles at other times are listed on the hub."
    ),
}


def active_items(model: type[Item]) -> list[Item]:
    return list(db.session.scalars(select(model).where(model.active).order_by(model.name)))


def locality_choices(blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank)] if blank else []
    return choices + [SelectChoice(str(item.id), item.name) for item in active_items(Locality)]


def item_choices(model: type[Item]) -> list[SelectChoice]:
    return [SelectChoice(str(item.id), item.name) for item in active_items(model)]


def items_by_ids(model: type[Item], ids: list[int]) -> list[Item]:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids), model.active)))


def unique_slug(model: ReferenceModel, name: str, exclude_id: int | None = None) -> str:
    base = slugify(name, max_length=70) or "item"
    slug, n = base, 2
    while True:
        query = select(func.count()).select_from(model).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if not db.session.scalar(query):
            return slug
        slug, n = f"{base}-{n}", n + 1


def name_taken(model: ReferenceModel, name: str, exclude_id: int | None = None) -> bool:
    """Whether another item of the list has this name, ignoring case in every alphabet.

    Compared in Python: SQLite's `lower()` folds only ASCII. Reference lists are short.
    """
    wanted = name.strip().casefold()
    rows = db.session.execute(select(model.id, model.name)).all()
    return any(row.name.casefold() == wanted and row.id != exclude_id for row in rows)


class NameTaken(Exception):
    """Another item of the same list already has this name (in any case)."""


def save_item(
    item: AnyReferenceItem, *, name: str, description: str, active: bool, actor: User
) -> AnyReferenceItem:
    """Create or edit a reference item; the slug is fixed once made, so links keep working.

    Refuses a name another item of the list has (`NameTaken`); the database's unique
    constraint catches two people saving the same name at once.
    """
    model = type(item)
    if name_taken(model, name, exclude_id=item.id):
        raise NameTaken(name)
    created = item.id is None
    item.name = name.strip()
    item.description = description.strip()
    item.active = active
    if created:
        item.slug = unique_slug(model, item.name)
        db.session.add(item)
    db.session.flush()
    record_event(
        f"reference.{'created' if created else 'updated'}",
        actor=actor,
        subject=item,
        active=active,
    )
    return item


TAXONOMIES = {  # scheme -> (shipped file, top concept)
    "skill": ("taxonomy_skill.ttl", "Skill"),
    "cause": ("taxonomy_cause.ttl", "Cause"),
    "requirement": ("taxonomy_requirement.ttl", "Requirement"),
    "reward": ("taxonomy_reward.ttl", "Reward"),
    "accessibility": ("taxonomy_accessibility.ttl", "Accessibility"),
}
NAMESPACE = "https://ns.volunteeringdata.io/"


@dataclass(frozen=True)
class TaxonomyConcept:
    iri: str
    label: str
    definition: str
    broader: str | None


@cache
def load_taxonomy(scheme: str) -> tuple[TaxonomyConcept, ...]:
    """Every concept below the scheme's top concept in the shipped Turtle file, by label."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    filename, top_name = TAXONOMIES[scheme]
    graph = Graph()
    source = resources.files("volunteer_hub") / "data" / filename
    graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    top = URIRef(NAMESPACE + top_name)
    concepts = []
    for concept in set(graph.transitive_subjects(SKOS.broader, top)) - {top}:
        broader = graph.value(concept, SKOS.broader)
        concepts.append(
            TaxonomyConcept(
                iri=str(concept),
                label=str(graph.value(concept, SKOS.prefLabel)),
                definition=str(graph.value(concept, SKOS.definition) or ""),
                broader=str(broader) if broader is not None and broader != top else None,
            )
        )
    return tuple(sorted(concepts, key=lambda concept: concept.label))


def seed_skills() -> int:
    """Add the standard's skills that are missing (matched by IRI); returns how many."""
    known = set(db.session.scalars(select(Skill.iri).where(Skill.iri.is_not(None))))
    added = 0
    for concept in load_taxonomy("skill"):
        if concept.iri in known or name_taken(Skill, concept.label):
            continue
        db.session.add(
            Skill(
                iri=concept.iri,
                name=concept.label,
                slug=unique_slug(Skill, concept.label),
                description=concept.definition,
            )
        )
        db.session.flush()
        added += 1
    return added


def seed_reference_items(model: ReferenceModel, items: dict[str, str]) -> int:
    """Add the named items that are missing; returns how many."""
    existing = set(db.session.scalars(select(model.name)))
    added = 0
    for name, description in items.items():
        if name not in existing:
            db.session.add(model(name=name, slug=unique_slug(model, name), description=description))
            db.session.flush()
            added += 1
    return added


def seed_concepts() -> int:
    """Add the causes, requirements, rewards and accessibility concepts that are missing."""
    known = set(db.session.scalars(select(Concept.iri)))
    added = 0
    for scheme in ("cause", "requirement", "reward", "accessibility"):
        for concept in load_taxonomy(scheme):
            if concept.iri in known:
                continue
            db.session.add(
                Concept(
                    scheme=scheme,
                    iri=concept.iri,
                    label=concept.label,
                    definition=concept.definition,
                    broader_iri=concept.broader,
                )
            )
            added += 1
    db.session.flush()
    return added


def concepts_in(scheme: str) -> list[Concept]:
    return list(
        db.session.scalars(select(Concept).where(Concept.scheme == scheme).order_by(Concept.label))
    )


def seed_reference_data(progress: Callable[[str], None]) -> None:
    """The standard categories and the data standard's skills and concepts, where missing."""
    progress(f"Categories: {seed_reference_items(Category, STANDARD_CATEGORIES)} added")
    added = seed_reference_items(DeclineMessage, STANDARD_DECLINE_MESSAGES)
    progress(f"Messages for declined applicants: {added} added")
    progress(f"Skills from the volunteering data standard: {seed_skills()} added")
    progress(f"Causes, requirements and accessibility concepts: {seed_concepts()} added")
