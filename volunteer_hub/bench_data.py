"""`flask hub bench-data`: many volunteers, inserted in bulk, for the scripts in `bench/`."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import func, insert, select

from .auth.models import AccessLevel, User
from .auth.passwords import hash_password
from .database import refresh_statistics, utcnow
from .extensions import db
from .periods import PERIODS
from .reference.models import Locality, Skill
from .seed import DEMO_PASSWORD, seed_demo_data
from .volunteers.models import Availability, VolunteerProfile, profile_skills

BENCH_DOMAIN = "bench.volunteerhub.example"
BATCH = 2000
SIGN_UP_DAYS = 4 * 365  # bench volunteers signed up over the last four years


def bench_rows(model: Any, volunteer_column: Any) -> int:
    """How many rows of `model` belong to bench volunteers (through `volunteer_column`)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(model)
            .join(User, User.id == volunteer_column)
            .where(User.email.like(f"%@{BENCH_DOMAIN}"))
        )
        or 0
    )


def seed_bench_data(volunteers: int, progress: Callable[[str], None] | None = None) -> int:
    """Top the bench volunteers up to `volunteers`, signed up over the last four years; every
    account shares one password hash."""
    say = progress or (lambda message: None)
    seed_demo_data(volunteer_count=0, progress=say)
    have = db.session.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%@{BENCH_DOMAIN}"))
    )
    rng = random.Random(have)
    faker = Faker("en_GB")
    faker.seed_instance(have)
    password_hash = hash_password(DEMO_PASSWORD)
    localities = db.session.scalars(select(Locality.id)).all()
    skills = db.session.scalars(select(Skill.id)).all()
    start = have or 0
    for first in range(start, volunteers, BATCH):
        numbers = range(first, min(first + BATCH, volunteers))
        _insert_batch(numbers, rng, faker, password_hash, localities, skills, now=utcnow())
        db.session.commit()
        say(f"Bench volunteers: {numbers[-1] + 1:,} of {volunteers:,}")
    refresh_statistics(db.session)  # as the nightly job keeps a live database's
    return volunteers - start if volunteers > start else 0


def _insert_batch(
    numbers: range,
    rng: random.Random,
    faker: Faker,
    password_hash: str,
    localities: Sequence[int],
    skills: Sequence[int],
    now: datetime,
) -> None:
    # The impact report counts new volunteers by when their profile was made.
    signed_up = [now - timedelta(days=rng.uniform(0, SIGN_UP_DAYS)) for _ in numbers]
    user_ids = _insert_users(numbers, faker, password_hash, signed_up)
    profile_ids = _insert_profiles(user_ids, rng, localities, signed_up)
    db.session.execute(
        insert(profile_skills),
        [
            {"profile_id": profile_id, "skill_id": skill_id}
            for profile_id in profile_ids
            for skill_id in rng.sample(skills, k=3)
        ],
    )
    db.session.execute(
        insert(Availability),
        [
            {"profile_id": profile_id, "period": period.slug}
            for profile_id in profile_ids
            for period in rng.sample(PERIODS, k=4)
        ],
    )


def _insert_users(
    numbers: range, faker: Faker, password_hash: str, signed_up: Sequence[datetime]
) -> Sequence[int]:
    rows = [
        {
            "email": f"bench{number:07d}@{BENCH_DOMAIN}",
            "name": faker.name(),
            "password_hash": password_hash,
            "access_level": AccessLevel.MEMBER,
            "email_verified_at": at,
            "privacy_accepted_at": at,
            "active": True,
            "session_version": 1,
            "created_at": at,
            "updated_at": at,
        }
        for number, at in zip(numbers, signed_up, strict=True)
    ]
    returning = insert(User).returning(User.id, sort_by_parameter_order=True)
    return db.session.scalars(returning, rows).all()


def _insert_profiles(
    user_ids: Sequence[int],
    rng: random.Random,
    localities: Sequence[int],
    signed_up: Sequence[datetime],
) -> Sequence[int]:
    rows = [
        {
            "user_id": user_id,
            "postcode": f"SK{rng.randint(1, 8)} {rng.randint(1, 9)}AB",
            "locality_id": rng.choice(localities),
            "date_of_birth": date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000)),
            "contact_by_email": True,
            "contact_by_sms": False,
            "created_at": at,
            "updated_at": at,
        }
        for user_id, at in zip(user_ids, signed_up, strict=True)
    ]
    return db.session.scalars(insert(VolunteerProfile).returning(VolunteerProfile.id), rows).all()
