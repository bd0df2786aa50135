"""Query counts of the busy pages: a fixed ceiling that does not grow with the data.

Each page is requested at one data size, then again with the data doubled; the number of SQL
statements must be the same both times and under the page's ceiling. Statements are counted
with a `before_cursor_execute` listener on the engine during the request only, after closing
the session so nothing is served from the identity map. (There are no organisations yet:
when they arrive, spread this data over at least 200 of them, as DESIGN.md asks.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.factories import PASSWORD, make_admin, make_check, make_staff, make_user
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import AccessLevel, User
from volunteer_hub.auth.passwords import hash_password
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db
from volunteer_hub.mail import OutboxEmail, OutboxStatus
from volunteer_hub.periods import PERIODS
from volunteer_hub.reference.models import Category, Locality, Skill
from volunteer_hub.volunteers.models import Availability, VolunteerProfile

_serial = itertools.count(1)


# --- Counting ------------------------------------------------------------------------------------


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """Collect every SQL statement sent to the database while the block runs."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements_for(client: FlaskClient, url: str) -> list[str]:
    """The statements one GET of `url` sends, with nothing cached beforehand."""
    db.session.close()
    with counting_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def assert_flat(counts: dict[str, list[int]], ceiling: int, statements: dict[str, Any]) -> None:
    """Every URL sent the same number of statements at both sizes, at most `ceiling`."""
    for url, (small, large) in counts.items():
        detail = "\n".join(statements[url])
        assert small == large, (
            f"{url}: {small} statements, then {large} with twice the data\n{detail}"
        )
        assert large <= ceiling, f"{url}: {large} statements, ceiling {ceiling}\n{detail}"


def measure_twice(
    client: FlaskClient, urls: list[str], add_data: Callable[[], None]
) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """Add data, count each URL; add as much again, count again."""
    counts: dict[str, list[int]] = {url: [] for url in urls}
    last: dict[str, list[str]] = {}
    for _ in range(2):
        add_data()
        for url in urls:
            last[url] = statements_for(client, url)
            counts[url].append(len(last[url]))
    return counts, last


# --- Seeding in bulk -----------------------------------------------------------------------------


def reference_items(model: Any, count: int, **fields: Any) -> list[Any]:
    items = []
    for _ in range(count):
        number = next(_serial)
        name = f"{model.__name__} {number:05d}"
        extra = {"iri": f"https://ns.volunteeringdata.io/QC{number}"} if model is Skill else {}
        items.append(model(name=name, slug=f"qc-{model.__name__.lower()}-{number}", **extra))
    db.session.add_all(items)
    db.session.commit()
    return items


def volunteers(count: int, localities: int = 40, skills: int = 30, categories: int = 12) -> None:
    """`count` verified volunteers with profiles spread over new localities, skills, interests
    and times of the week; every account shares one password hash."""
    password_hash = hash_password(PASSWORD)
    places = reference_items(Locality, localities)
    offered = reference_items(Skill, skills)
    kinds = reference_items(Category, categories)
    now = utcnow()
    for index in range(count):
        number = next(_serial)
        user = User(
            name=f"Volunteer {number:06d}",
            email=f"qc{number}@example.org",
            password_hash=password_hash,
            access_level=AccessLevel.MEMBER,
            email_verified_at=now,
            privacy_accepted_at=now,
        )
        db.session.add(
            VolunteerProfile(
                user=user,
                postcode="SK1 3XE",
                locality=places[index % len(places)],
                skills=[offered[(index + step) % len(offered)] for step in range(3)],
                interests=[kinds[index % len(kinds)]],
                availability=[Availability(period=PERIODS[index % len(PERIODS)].slug)],
            )
        )
    db.session.commit()


# --- The pages -----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client: FlaskClient, db: Any) -> FlaskClient:
    return sign_in(client, make_staff(name="Sam Staff"))


def test_staff_volunteer_list_queries_do_not_grow_with_volunteers(staff_client):
    """/staff/volunteers with 220, then 440 volunteers (profiles, localities, skills): the
    first page, a later page and a search each send the same few statements."""
    urls = ["/staff/volunteers", "/staff/volunteers?page=3", "/staff/volunteers?q=volunteer"]
    counts, statements = measure_twice(staff_client, urls, lambda: volunteers(220))
    # The signed-in user, the count, the page, the profiles, their localities.
    assert_flat(counts, ceiling=5, statements=statements)


def test_staff_volunteer_list_shows_a_full_page_with_areas(staff_client):
    """The counted page really lists volunteers with their areas (not an empty table)."""
    volunteers(220)
    page = staff_client.get("/staff/volunteers").get_data(as_text=True)
    assert page.count('href="/staff/volunteers/') >= 25
    assert "Locality " in page
    assert "(220 in all)" in page


def test_admin_user_list_queries_do_not_grow_with_users(client, db):
    """/staff/users (admins) with 220, then 440 accounts."""
    sign_in(client, make_admin())
    counts, statements = measure_twice(
        client, ["/staff/users", "/staff/users?page=4"], lambda: volunteers(220)
    )
    # The signed-in user, the count, the page.
    assert_flat(counts, ceiling=3, statements=statements)


def outbox_messages(count: int) -> None:
    """`count` messages to volunteers, in every status."""
    recipients = [make_user(profile=False) for _ in range(5)]
    statuses = list(OutboxStatus)
    db.session.add_all(
        OutboxEmail(
            to_address=recipients[index % 5].email,
            recipient_id=recipients[index % 5].id,
            template="verify_email",
            subject=f"Message {index}",
            body_text="Hello\n",
            status=statuses[index % len(statuses)],
            attempts=index % 3,
        )
        for index in range(count)
    )
    db.session.commit()


def test_staff_outbox_queries_do_not_grow_with_messages(staff_client):
    """/staff/outbox with 120, then 240 messages."""
    counts, statements = measure_twice(
        staff_client, ["/staff/outbox", "/staff/outbox?page=2"], lambda: outbox_messages(120)
    )
    # The signed-in user, the count, the page.
    assert_flat(counts, ceiling=3, statements=statements)


def audit_events(count: int) -> None:
    """`count` events by many different actors (so the actors are not one cached row), some
    by nobody signed in."""
    actors = [make_user(profile=False) for _ in range(30)]
    db.session.add_all(
        AuditEvent(
            action=("login.failed", "profile.updated", "check.recorded")[index % 3],
            actor_id=None if index % 7 == 0 else actors[index % len(actors)].id,
            subject_type="User",
            subject_id=actors[(index + 1) % len(actors)].id,
            detail={"n": index},
        )
        for index in range(count)
    )
    db.session.commit()


def test_staff_audit_queries_do_not_grow_with_events(staff_client):
    """/staff/audit with 150, then 300 events from many actors, filtered and not."""
    urls = ["/staff/audit", "/staff/audit?page=2", "/staff/audit?action=profile.updated"]
    counts, statements = measure_twice(staff_client, urls, lambda: audit_events(150))
    # The signed-in user, the count, the page, the page's actors.
    assert_flat(counts, ceiling=4, statements=statements)


def test_reference_skills_list_queries_do_not_grow_with_skills(staff_client):
    """/staff/reference/skills with 120, then 240 skills (half of them retired)."""

    def add_skills() -> None:
        for index, skill in enumerate(reference_items(Skill, 120)):
            skill.active = index % 2 == 0
        db.session.commit()

    urls = ["/staff/reference/skills", "/staff/reference/skills?page=2"]
    counts, statements = measure_twice(staff_client, urls, add_skills)
    # The signed-in user, the count, the page.
    assert_flat(counts, ceiling=3, statements=statements)


def test_account_page_queries_do_not_grow_with_skills_and_interests(client, db):
    """/account for a volunteer with 30 skills, 15 interests and every time of the week,
    then 60 skills and 30 interests."""
    volunteer = make_user(name="Ann Able", phone="+447700900982")
    volunteer_id = volunteer.id
    sign_in(client, volunteer)

    def add_choices() -> None:
        profile = db.session.get(User, volunteer_id).profile
        profile.skills = [*profile.skills, *reference_items(Skill, 30)]
        profile.interests = [*profile.interests, *reference_items(Category, 15)]
        profile.locality = reference_items(Locality, 1)[0]
        have = profile.period_slugs
        profile.availability += [Availability(period=p.slug) for p in PERIODS if p.slug not in have]
        db.session.commit()

    counts, statements = measure_twice(client, ["/account"], add_choices)
    # The user, the profile, its locality, skills, interests, times of the week, and the
    # organisations the person helps run.
    assert_flat(counts, ceiling=7, statements=statements)
    page = client.get("/account").get_data(as_text=True)
    assert "Skill " in page and "21 of 21" in page


def test_staff_volunteer_record_queries_do_not_grow_with_checks(staff_client):
    """/staff/volunteers/<id> for a volunteer with 3, then 6 checks, each recorded by a
    different member of staff: the recorders are loaded together, not one by one."""
    volunteer_id = make_user(name="Ann Able").id

    def add_checks() -> None:
        for _ in range(3):
            make_check(db.session.get(User, volunteer_id), checked_by=make_staff())

    url = f"/staff/volunteers/{volunteer_id}"
    counts, statements = measure_twice(staff_client, [url], add_checks)
    # The signed-in user, the volunteer, the profile, its locality, skills, interests,
    # the checks, their recorders, the training records with their courses.
    assert_flat(counts, ceiling=9, statements=statements)


def test_the_counter_sees_the_requests_statements(staff_client):
    """The listener counts what a request sends: the signed-in user is loaded at least."""
    statements = statements_for(staff_client, "/staff/")
    assert any("FROM users" in statement for statement in statements)
