"""The `flask hub` set-up commands: secret key, demo data."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import make_app
from volunteer_hub.auth.models import User
from volunteer_hub.clock import local_today
from volunteer_hub.database import utcnow
from volunteer_hub.files import StoredFile, evidence_kind
from volunteer_hub.placements.models import Placement
from volunteer_hub.reference.models import Category, Locality, Skill
from volunteer_hub.roles.models import role_courses
from volunteer_hub.training.models import (
    BookingStatus,
    Course,
    TrainingBooking,
    TrainingRecord,
    TrainingSession,
)
from volunteer_hub.training.records import missing_courses
from volunteer_hub.volunteers.models import VolunteerProfile

TRAINING = (Course, TrainingSession, TrainingBooking, TrainingRecord, StoredFile)


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_builds_a_borough_and_is_idempotent(runner, db):
    result = runner.invoke(args=["hub", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.volunteerhub.example" in result.output
    assert "staff@demo.volunteerhub.example" in result.output
    first = {
        model: count(db, model)
        for model in (User, VolunteerProfile, Category, Locality, Skill, *TRAINING)
    }
    assert first[VolunteerProfile] >= 200
    assert first[Category] >= 13
    assert first[Skill] == 47
    skill = db.session.scalar(sa.select(Skill).where(Skill.name == "Communication"))
    assert skill.iri == "https://ns.volunteeringdata.io/Communication"
    assert db.session.scalar(sa.select(Locality).where(Locality.name == "Marple")) is not None
    assert_demo_training(db)
    again = runner.invoke(args=["hub", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert {model: count(db, model) for model in first} == first


def test_bench_data_seeds_roles_without_demo_volunteers(runner, db):
    """`bench/search.py` seeds with no demo volunteers: the demo's training then has courses
    and sessions but nobody to book them, rather than failing."""
    result = runner.invoke(
        args=["hub", "bench-data", "--volunteers", "0", "--organisations", "5", "--roles", "20"]
    )
    assert result.exit_code == 0, result.output
    assert "Added 20 bench roles." in result.output
    assert count(db, Course) >= 12 and count(db, TrainingRecord) == 0


def assert_demo_training(db) -> None:
    """Courses, past and coming sessions, bookings in every state, records running out,
    a certificate waiting for staff, and roles requiring courses some volunteers lack."""
    now, today = utcnow(), local_today()
    assert count(db, Course) >= 12
    starts = list(db.session.scalars(sa.select(TrainingSession.starts_at)))
    assert any(now - timedelta(days=190) < moment < now for moment in starts)
    assert any(now < moment < now + timedelta(days=91) for moment in starts)
    statuses = set(db.session.scalars(sa.select(TrainingBooking.status).distinct()))
    assert statuses == set(BookingStatus)
    records = db.session.scalars(sa.select(TrainingRecord)).all()
    assert any(r.expires_on and today < r.expires_on <= today + timedelta(days=7) for r in records)
    assert any(r.expires_on and today < r.expires_on <= today + timedelta(days=60) for r in records)
    assert any(r.expires_on and r.expires_on <= today for r in records)
    assert any(r.source == "attended" and r.booking_id for r in records)
    pending = [r for r in records if r.source == "submitted" and r.status == "pending"]
    assert pending and all(r.evidence is not None for r in pending)
    for stored in db.session.scalars(sa.select(StoredFile)):
        assert evidence_kind(stored.data).content_type == stored.content_type
    demo = db.session.scalar(sa.select(User).where(User.email.like("volunteer@%")))
    theirs = [r for r in records if r.volunteer_id == demo.id]
    assert any(r.counts_on(today) for r in theirs)
    assert any(r.expires_on and r.expires_on <= today for r in theirs)
    assert any(r.counts_on(today) and not r.counts_on(today + timedelta(days=60)) for r in theirs)
    required = sa.select(role_courses.c.role_id)
    active = db.session.scalars(
        sa.select(Placement).where(Placement.status == "active", Placement.role_id.in_(required))
    ).all()
    missing = [bool(missing_courses(p.volunteer_id, p.role, today)) for p in active]
    assert True in missing and False in missing  # gaps to close, and some already closed


def test_ensure_secret_key_writes_one_into_the_instance_folder(database_url, tmp_path):
    app = make_app(database_url, str(tmp_path), SECRET_KEY=None)
    result = app.test_cli_runner().invoke(args=["hub", "ensure-secret-key"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "config.py").read_text()
    assert "SECRET_KEY = '" in written
    assert (tmp_path / "config.py").stat().st_mode & 0o077 == 0


def test_seed_reference_gives_a_new_hub_its_categories_and_skills(runner, db):
    result = runner.invoke(args=["hub", "seed-reference"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(sa.select(Category.name)))
    assert {"Community libraries", "Country parks and countryside", "Office and admin"} <= names
    assert count(db, Category) == 13
    assert count(db, Skill) == 47
    assert count(db, User) == 0
    runner.invoke(args=["hub", "seed-reference"])
    assert count(db, Category) == 13
