"""Bench organisations and published roles, inserted in bulk with their search entries."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, insert, select

from .database import utcnow
from .extensions import db
from .organisations.models import Organisation, OrganisationStatus
from .periods import PERIODS
from .reference.models import Category, Locality, Skill
from .roles.models import Role, RolePeriod, RoleStatus, role_skills
from .roles.search import POSTGRES_UPSERT, SQLITE_INSERT, dialect

BATCH = 1000
WORDS = [
    "garden",
    "library",
    "park",
    "museum",
    "kitchen",
    "shop",
    "cafe",
    "walk",
    "youth",
    "older",
    "reading",
    "digital",
    "wildlife",
    "river",
    "woodland",
    "event",
    "festival",
    "advice",
    "pantry",
    "repair",
    "coaching",
    "befriending",
    "driving",
    "music",
]


def seed_bench_roles(
    organisations: int, roles: int, progress: Callable[[str], None] | None = None
) -> int:
    """Top up bench organisations and published roles; returns how many roles were added."""
    say = progress or (lambda message: None)
    rng = random.Random(organisations + roles)
    have_orgs = (
        db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.slug.like("bench-%"))
        )
        or 0
    )
    if have_orgs < organisations:
        _insert_organisations(range(have_orgs, organisations), rng)
        db.session.commit()
    org_ids = db.session.scalars(
        select(Organisation.id).where(Organisation.slug.like("bench-%")).order_by(Organisation.id)
    ).all()
    have_roles = (
        db.session.scalar(select(func.count()).select_from(Role).where(Role.slug.like("bench-%")))
        or 0
    )
    for first in range(have_roles, roles, BATCH):
        _insert_roles(range(first, min(first + BATCH, roles)), org_ids, rng)
        db.session.commit()
        say(f"Bench roles: {min(first + BATCH, roles):,} of {roles:,}")
    return max(roles - have_roles, 0)


def _insert_organisations(numbers: range, rng: random.Random) -> None:
    localities = db.session.scalars(select(Locality.id)).all()
    now = utcnow()
    db.session.execute(
        insert(Organisation),
        [
            {
                "name": f"Bench {rng.choice(WORDS).title()} Group {number}",
                "slug": f"bench-{number}",
                "kind": "community-group",
                "description": "A bench organisation.",
                "locality_id": rng.choice(localities),
                "contact_email": f"bench{number}@org.example",
                "safeguarding_policy": True,
                "insurance_held": False,
                "status": OrganisationStatus.APPROVED,
                "status_reason": "",
                "created_at": now,
                "updated_at": now,
            }
            for number in numbers
        ],
    )


def _insert_roles(numbers: range, org_ids: Sequence[int], rng: random.Random) -> None:
    categories = db.session.scalars(select(Category.id)).all()
    localities = db.session.scalars(select(Locality.id)).all()
    skills = db.session.scalars(select(Skill.id)).all()
    now = utcnow()
    rows = [_role_row(number, org_ids, categories, localities, rng, now) for number in numbers]
    ids = db.session.scalars(insert(Role).returning(Role.id), rows).all()
    db.session.execute(
        insert(RolePeriod),
        [{"role_id": i, "period": p.slug} for i in ids for p in rng.sample(PERIODS, k=2)],
    )
    db.session.execute(
        insert(role_skills),
        [{"role_id": i, "skill_id": s} for i in ids for s in rng.sample(list(skills), k=2)],
    )
    names: dict[int, str] = dict(
        db.session.execute(select(Organisation.id, Organisation.name)).all()
    )
    statement = SQLITE_INSERT if dialect() == "sqlite" else POSTGRES_UPSERT
    db.session.execute(
        statement,
        [
            {
                "id": role_id,
                "title": row["title"],
                "summary": row["summary"],
                "description": row["description"],
                "organisation": names[row["organisation_id"]],
            }
            for role_id, row in zip(ids, rows, strict=True)
        ],
    )


def _role_row(
    number: int,
    org_ids: Sequence[int],
    categories: Sequence[int],
    localities: Sequence[int],
    rng: random.Random,
    now: object,
) -> dict[str, Any]:
    words = " ".join(rng.sample(WORDS, k=3))
    return {
        "organisation_id": org_ids[number % len(org_ids)],
        "title": f"{words.capitalize()} volunteer",
        "slug": f"bench-{number}",
        "summary": f"Help with {words} in your area.",
        "description": f"Bench role {number}: {' '.join(rng.sample(WORDS, k=12))}.",
        "category_id": rng.choice(categories),
        "locality_id": rng.choice(localities),
        "attendance": rng.choice(["in-person", "in-person", "remote", "hybrid"]),
        "address": "",
        "commitment": rng.choice(["one-off", "regular"]),
        "commitment_text": "2 hours a week",
        "places": rng.randint(1, 20),
        "minimum_age": rng.choice([16, 18, 18]),
        "dbs_level": rng.choice([None, None, "basic", "enhanced"]),
        "accessibility_notes": "",
        "groups_welcome": rng.random() < 0.2,
        "decided_by": "organisation",
        "status": RoleStatus.PUBLISHED,
        "status_comment": "",
        "published_at": now,
        "created_at": now,
        "updated_at": now,
    }
