"""`flask hub seed-demo`: a realistic demo borough (Stockport), safe to run again."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import select

from .auth.models import AccessLevel, User
from .auth.passwords import hash_password
from .certificates.services import issue_missing
from .database import refresh_statistics, utcnow
from .extensions import db
from .periods import PERIODS
from .reference.models import Category, Locality, Skill
from .reference.services import seed_reference_data, seed_reference_items
from .reports.rates import add_rate, all_rates
from .seed_awards import seed_awards
from .seed_hours import seed_hours
from .seed_placements import seed_placements
from .seed_roles import seed_organisations_and_roles
from .seed_training import seed_training
from .volunteers.models import Availability, Check, CheckKind, CheckLevel, VolunteerProfile

DEMO_PASSWORD = "demo-volunteer-hub"  # noqa: S105 - published demo logins
DEMO_DOMAIN = "demo.volunteerhub.example"


# Stockport's towns and neighbourhoods, each with its postcode districts.
LOCALITIES = {
    "Stockport town centre": ["SK1"],
    "Offerton": ["SK2"],
    "Great Moor": ["SK2"],
    "Edgeley": ["SK3"],
    "Cheadle Heath": ["SK3"],
    "Heaton Moor": ["SK4"],
    "Heaton Chapel": ["SK4"],
    "Heaton Mersey": ["SK4"],
    "Reddish": ["SK5", "SK4"],
    "Brinnington": ["SK5"],
    "Bredbury": ["SK6"],
    "Romiley": ["SK6"],
    "Marple": ["SK6"],
    "Woodley": ["SK6"],
    "High Lane": ["SK6"],
    "Hazel Grove": ["SK7"],
    "Bramhall": ["SK7"],
    "Cheadle": ["SK8"],
    "Cheadle Hulme": ["SK8"],
    "Gatley": ["SK8"],
    "Heald Green": ["SK8"],
}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# The Real Living Wage outside London, each from the 1 November after the Living Wage
# Foundation announced it: the demo values each verified hour at the rate of its day.
VALUE_RATES = {
    date(2023, 11, 1): (1200, "Real Living Wage 2023-24 (Living Wage Foundation), outside London"),
    date(2024, 11, 1): (1260, "Real Living Wage 2024-25 (Living Wage Foundation), outside London"),
    date(2025, 11, 1): (1345, "Real Living Wage 2025-26 (Living Wage Foundation), outside London"),
}
EMPLOYERS = ["Stockport Homes", "Stepping Hill Hospital", "Adswood Logistics", "Marple Bakery"]

Progress = Callable[[str], None]


def _postcode(rng: random.Random, district: str) -> str:
    letters = "".join(rng.choice(INWARD_LETTERS) for _ in range(2))
    return f"{district} {rng.randint(1, 9)}{letters}"


def _account(email: str, name: str, level: AccessLevel, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        now = utcnow()
        user = User(
            email=email,
            name=name,
            access_level=level,
            password_hash=password_hash,
            email_verified_at=now,
            privacy_accepted_at=now,
        )
        db.session.add(user)
        db.session.flush()
    return user


def seed_demo_data(
    volunteer_count: int = 220, progress: Progress | None = None
) -> list[tuple[str, str]]:
    """Create what is missing of the demo borough; returns the demo logins."""
    say = progress or (lambda message: None)
    seed_reference_data(say)
    say(f"Localities: {seed_reference_items(Locality, dict.fromkeys(LOCALITIES, ''))} added")
    say(f"Hourly values: {seed_value_rates()} added")
    password_hash = hash_password(DEMO_PASSWORD)
    admin = _account(f"admin@{DEMO_DOMAIN}", "Priya Shah", AccessLevel.ADMIN, password_hash)
    staff = _account(f"staff@{DEMO_DOMAIN}", "Gareth Jones", AccessLevel.STAFF, password_hash)
    volunteer = _account(
        f"volunteer@{DEMO_DOMAIN}", "Siobhan O'Brien", AccessLevel.MEMBER, password_hash
    )
    rng = random.Random(2026)  # the same borough every time
    faker = Faker("en_GB")
    faker.seed_instance(2026)
    localities = list(db.session.scalars(select(Locality).order_by(Locality.id)))
    skills = list(db.session.scalars(select(Skill).order_by(Skill.id)))
    categories = list(db.session.scalars(select(Category).order_by(Category.id)))
    if volunteer.profile is None:
        _profile(volunteer, rng, localities, skills, categories, staff)
    existing = set(db.session.scalars(select(User.email).where(User.email.like("volunteer%@%"))))
    created = 0
    for number in range(1, volunteer_count + 1):
        email = f"volunteer{number:04d}@{DEMO_DOMAIN}"
        if email in existing:
            continue
        user = _account(email, faker.name(), AccessLevel.MEMBER, password_hash)
        _profile(user, rng, localities, skills, categories, staff)
        created += 1
        if created % 50 == 0:
            db.session.flush()
            say(f"Volunteers: {created} added")
    say(f"Volunteers: {created} added in all")
    coordinator = seed_organisations_and_roles(rng, password_hash, say)
    seed_placements(rng, say)
    seed_training(volunteer, staff, say)
    seed_hours(random.Random(6), say)  # after the placements, shifts and training
    say(f"Certificates: {issue_missing()} issued for training completed")
    seed_awards(staff, volunteer, say)  # after the hours: winners have verified hours
    db.session.commit()
    refresh_statistics(db.session)
    return [
        ("admin", admin.email),
        ("staff", staff.email),
        ("coordinator", coordinator.email),
        ("volunteer", volunteer.email),
    ]


def seed_value_rates() -> int:
    """Add the published hourly values that are missing (matched by date); returns how many."""
    known = {rate.valid_from for rate in all_rates()}
    missing = {day: rate for day, rate in VALUE_RATES.items() if day not in known}
    for day, (pence, source) in missing.items():
        add_rate(valid_from=day, pence_per_hour=pence, source=source, actor=None)
    return len(missing)


def _profile(
    user: User,
    rng: random.Random,
    localities: list[Locality],
    skills: list[Skill],
    categories: list[Category],
    staff: User,
) -> None:
    locality = rng.choice(localities)
    district = rng.choice(LOCALITIES.get(locality.name, ["SK1"]))
    age = rng.randint(16, 84)
    profile = VolunteerProfile(
        user=user,
        phone=f"+4477009{rng.randint(0, 99999):05d}",
        postcode=_postcode(rng, district),
        locality=locality,
        date_of_birth=date.today() - timedelta(days=age * 365 + rng.randint(0, 364)),
        employer=rng.choice(EMPLOYERS) if rng.random() < 0.15 else None,
        contact_by_email=True,
        contact_by_sms=rng.random() < 0.4,
        marketing_consent_at=utcnow() if rng.random() < 0.3 else None,
    )
    profile.skills = rng.sample(skills, k=min(len(skills), rng.randint(1, 5)))
    profile.interests = rng.sample(categories, k=rng.randint(1, 3))
    profile.availability = [
        Availability(period=period.slug) for period in rng.sample(PERIODS, k=rng.randint(2, 8))
    ]
    db.session.add(profile)
    if rng.random() < 0.25:
        db.session.add(
            Check(
                volunteer=user,
                kind=CheckKind.DBS,
                level=rng.choice([CheckLevel.BASIC, CheckLevel.ENHANCED, CheckLevel.STANDARD]),
                certificate_number=f"00{rng.randint(10**9, 10**10 - 1)}",
                issued_on=date.today() - timedelta(days=rng.randint(30, 1500)),
                update_service=rng.random() < 0.5,
                checked_by=staff,
            )
        )
