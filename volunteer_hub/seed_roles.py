"""Demo organisations and roles for `flask hub seed-demo`: every kind of organisation in the
borough, and roles across every category and every moderation status."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select

from .auth.models import AccessLevel, User
from .database import utcnow
from .extensions import db
from .organisations.models import Membership, MembershipLevel, Organisation
from .organisations.services import unique_slug as organisation_slug
from .periods import PERIODS
from .reference.models import Category, Concept, Locality, Skill
from .roles.models import Commitment, Role, RolePeriod, RoleStatus
from .roles.search import refresh_search_entry
from .roles.services import unique_slug as role_slug

# name: (kind, locality, category of most of its roles)
ORGANISATIONS: dict[str, tuple[str, str, str]] = {
    "Friends of Heaton Moor Library": ("community-group", "Heaton Moor", "Community libraries"),
    "Reddish Community Library Group": ("community-group", "Reddish", "Community libraries"),
    "Marple Library Volunteers": ("community-group", "Marple", "Community libraries"),
    "Cheadle Hulme Community Library": ("cio", "Cheadle Hulme", "Community libraries"),
    "Bramhall Library Friends": ("community-group", "Bramhall", "Community libraries"),
    "Friends of Etherow Country Park": ("charity", "Romiley", "Country parks and countryside"),
    "Friends of Bruntwood Park": ("community-group", "Cheadle", "Country parks and countryside"),
    "Friends of Woodbank Park": ("community-group", "Offerton", "Country parks and countryside"),
    "Reddish Vale Country Park Volunteers": (
        "community-group",
        "Reddish",
        "Country parks and countryside",
    ),
    "Friends of Chadkirk Chapel and Estate": ("cio", "Romiley", "Country parks and countryside"),
    "Poise Brook Nature Reserve Group": ("community-group", "Offerton", "Environment"),
    "Adswood Logistics": ("business", "Stockport town centre", "Corporate volunteering"),
    "Stockport Homes Group": ("business", "Stockport town centre", "Corporate volunteering"),
    "Marple Bakery Company": ("business", "Marple", "Corporate volunteering"),
    "Heaton Moor Digital": ("business", "Heaton Moor", "Corporate volunteering"),
    "Cheadle Precision Engineering": ("business", "Cheadle", "Corporate volunteering"),
    "Stepping Hill Hospital Volunteers": ("public-body", "Hazel Grove", "Health and social care"),
    "Stockport Council Parks Service": ("public-body", "Stockport town centre", "Environment"),
    "Mind in Stockport": ("charity", "Stockport town centre", "Health and social care"),
    "Signpost for Carers": ("charity", "Stockport town centre", "Health and social care"),
    "Stockport Young Carers": ("charity", "Edgeley", "Children and young people"),
    "Hazel Grove Youth Club": ("community-group", "Hazel Grove", "Children and young people"),
    "Stockport Sea Cadets": ("charity", "Stockport town centre", "Children and young people"),
    "Age Well Stockport": ("charity", "Stockport town centre", "Older people"),
    "Davenport Dementia Cafe": ("community-group", "Great Moor", "Older people"),
    "High Lane Village Hall": ("charity", "High Lane", "Older people"),
    "Stockport Foodbank Network": ("charity", "Stockport town centre", "Food and poverty"),
    "Bredbury Community Pantry": ("community-group", "Bredbury", "Food and poverty"),
    "Brinnington Big Local": ("community-group", "Brinnington", "Food and poverty"),
    "Citizens Advice Stockport": ("charity", "Stockport town centre", "Advice and advocacy"),
    "Cheadle Refugee Welcome": ("cio", "Cheadle", "Advice and advocacy"),
    "Hat Works Museum Friends": ("charity", "Stockport town centre", "Arts and heritage"),
    "Stockport Plaza Volunteers": ("cio", "Stockport town centre", "Arts and heritage"),
    "Gatley Hill House": ("cio", "Gatley", "Arts and heritage"),
    "Romiley Fun Run Committee": ("community-group", "Romiley", "Events"),
    "Edgeley Park Cricket Club": ("community-group", "Edgeley", "Sport and leisure"),
    "Woodley Walking Group": ("community-group", "Woodley", "Sport and leisure"),
    "Reddish Repair Cafe": ("social-enterprise", "Reddish", "Environment"),
    "Offerton Community Cafe": ("social-enterprise", "Offerton", "Food and poverty"),
    "Stockport Talking Newspaper": ("charity", "Heaton Chapel", "Office and admin"),
    "Heald Green Litter Pickers": ("community-group", "Heald Green", "Environment"),
    "Stockport Credit Union": ("social-enterprise", "Stockport town centre", "Office and admin"),
}
# Organisations still with hub staff, or turned down: the rest are approved.
NOT_APPROVED = {
    "Woodley Walking Group": ("pending", ""),
    "Heald Green Litter Pickers": ("pending", ""),
    "Stockport Credit Union": ("declined", "Please add your safeguarding policy and lead."),
    "Offerton Community Cafe": ("suspended", "Public liability insurance has expired."),
}

ROLE_TITLES: dict[str, list[str]] = {
    "Community libraries": ["Library shelving volunteer", "Story time reader", "Digital buddy"],
    "Country parks and countryside": [
        "Path and hedge maintenance volunteer",
        "Wildlife survey volunteer",
        "Visitor centre welcome host",
    ],
    "Corporate volunteering": ["Team day: park clean-up", "Team day: food bank sort"],
    "Health and social care": ["Ward befriender", "Hospital wayfinding guide", "Peer supporter"],
    "Children and young people": ["Youth club helper", "Homework club mentor"],
    "Older people": ["Lunch club helper", "Telephone befriender", "Dementia cafe host"],
    "Environment": ["Tree planting volunteer", "Repair cafe fixer", "Litter pick leader"],
    "Sport and leisure": ["Junior coach assistant", "Walk leader"],
    "Arts and heritage": ["Museum guide", "Archive cataloguer", "Theatre usher"],
    "Food and poverty": ["Food bank warehouse assistant", "Community pantry host"],
    "Advice and advocacy": ["Advice session assistant", "English conversation partner"],
    "Events": ["Fun run marshal", "Festival steward"],
    "Office and admin": ["Reception volunteer", "Newsletter editor", "Audio reader"],
}
STATUS_MIX = (
    [RoleStatus.PUBLISHED] * 100
    + [RoleStatus.DRAFT] * 10
    + [RoleStatus.PENDING_REVIEW] * 12
    + [RoleStatus.CHANGES_REQUESTED] * 8
    + [RoleStatus.REJECTED] * 5
    + [RoleStatus.CLOSED] * 10
    + [RoleStatus.ARCHIVED] * 5
)


def seed_organisations_and_roles(
    rng: random.Random, password_hash: str, say: Callable[[str], None]
) -> User:
    """Create what is missing; returns the demo coordinator (a library group's manager)."""
    coordinator = _coordinator(password_hash)
    if db.session.scalar(select(Organisation.id).limit(1)) is not None:
        return coordinator
    localities = {locality.name: locality for locality in db.session.scalars(select(Locality))}
    organisations = [
        _organisation(name, details, localities, rng) for name, details in ORGANISATIONS.items()
    ]
    db.session.add(
        Membership(organisation=organisations[0], user=coordinator, level=MembershipLevel.MANAGE)
    )
    db.session.flush()
    say(f"Organisations: {len(organisations)} added")
    approved = [org for org in organisations if org.is_approved]
    say(f"Roles: {_roles(approved, localities, rng)} added")
    return coordinator


def _coordinator(password_hash: str) -> User:
    email = "coordinator@demo.volunteerhub.example"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name="Mehreen Akhtar",
            password_hash=password_hash,
            access_level=AccessLevel.MEMBER,
            email_verified_at=utcnow(),
            privacy_accepted_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    return user


def _organisation(
    name: str,
    details: tuple[str, str, str],
    localities: dict[str, Locality],
    rng: random.Random,
) -> Organisation:
    kind, locality, _ = details
    status, reason = NOT_APPROVED.get(name, ("approved", ""))
    slug = organisation_slug(name)
    organisation = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        charity_number=str(rng.randint(1_000_000, 1_199_999))
        if kind in ("charity", "cio")
        else None,
        description=f"{name} brings local people together to make {locality} a better place.",
        website=f"https://{slug}.org.example",
        locality=localities.get(locality),
        contact_email=f"hello@{slug}.org.example",
        contact_phone=f"0161 496 {rng.randint(0, 9999):04d}",
        safeguarding_policy=True,
        safeguarding_lead_name="Safeguarding lead",
        insurance_held=True,
        insurance_expires_on=date.today() + timedelta(days=rng.randint(10, 400)),
        status=status,
        status_reason=reason,
        status_changed_at=utcnow(),
    )
    causes = db.session.scalars(select(Concept).where(Concept.scheme == "cause")).all()
    organisation.causes = rng.sample(list(causes), k=min(2, len(causes)))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _roles(
    organisations: list[Organisation], localities: dict[str, Locality], rng: random.Random
) -> int:
    categories = {category.name: category for category in db.session.scalars(select(Category))}
    skills = list(db.session.scalars(select(Skill)))
    concepts = list(db.session.scalars(select(Concept)))
    ordered = sorted(categories)
    for number, status in enumerate(STATUS_MIX):
        organisation = organisations[number % len(organisations)]
        category_name = (
            ORGANISATIONS[organisation.name][2] if number % 3 else ordered[number % len(ordered)]
        )
        title = rng.choice(ROLE_TITLES[category_name])
        role = Role(
            organisation=organisation,
            title=title,
            slug=role_slug(title, organisation),
            category=categories[category_name],
            status=status,
            **_role_fields(rng, status, organisation, localities, category_name),
        )
        role.skills = rng.sample(skills, k=2)
        role.concepts = rng.sample(concepts, k=3)
        role.periods = [RolePeriod(period=p.slug) for p in rng.sample(PERIODS, k=rng.randint(1, 4))]
        db.session.add(role)
        db.session.flush()
        refresh_search_entry(role)
    return len(STATUS_MIX)


def _role_fields(
    rng: random.Random,
    status: RoleStatus,
    organisation: Organisation,
    localities: dict[str, Locality],
    category_name: str,
) -> dict[str, object]:
    one_off = category_name in ("Events", "Corporate volunteering")
    starts = date.today() + timedelta(days=rng.randint(-60, 60))
    groups = category_name == "Corporate volunteering" or rng.random() < 0.1
    return {
        "summary": f"Join {organisation.name} and help your neighbours.",
        "description": (
            f"**What you will do**\n\nWork alongside our friendly team at {organisation.name}.\n\n"
            "**What we offer**\n\n- Training and support\n- Travel expenses paid\n"
        ),
        "locality": organisation.locality or rng.choice(list(localities.values())),
        "attendance": rng.choice(["in-person"] * 5 + ["hybrid", "remote"]),
        "address": f"{organisation.name}, Stockport",
        "postcode": "SK1 3XE",
        "commitment": Commitment.ONE_OFF if one_off else Commitment.REGULAR,
        "commitment_text": "One day"
        if one_off
        else rng.choice(["2 hours a week", "A morning a fortnight"]),
        "starts_on": starts,
        "ends_on": starts + timedelta(days=1 if one_off else 365),
        "apply_by": starts + timedelta(days=rng.randint(20, 120)),
        "places": rng.randint(1, 20),
        "minimum_age": rng.choice([14, 16, 18, 18, 18]),
        "dbs_level": rng.choice([None, None, None, "basic", "enhanced"]),
        "groups_welcome": groups,
        "max_group_size": 12 if groups else None,
        "status_comment": "Please say what training you give."
        if status == "changes-requested"
        else "",
        "published_at": utcnow() - timedelta(days=rng.randint(0, 90))
        if status in (RoleStatus.PUBLISHED, RoleStatus.CLOSED, RoleStatus.ARCHIVED)
        else None,
    }
