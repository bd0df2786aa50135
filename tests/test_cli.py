"""The `flask hub` set-up commands: secret key, demo data."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import make_app
from volunteer_hub.auth.models import User
from volunteer_hub.reference.models import Category, Locality, Skill
from volunteer_hub.volunteers.models import VolunteerProfile


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_builds_a_borough_and_is_idempotent(runner, db):
    result = runner.invoke(args=["hub", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.volunteerhub.example" in result.output
    assert "staff@demo.volunteerhub.example" in result.output
    first = {
        model: count(db, model) for model in (User, VolunteerProfile, Category, Locality, Skill)
    }
    assert first[VolunteerProfile] >= 200
    assert first[Category] >= 13
    assert first[Skill] == 47
    skill = db.session.scalar(sa.select(Skill).where(Skill.name == "Communication"))
    assert skill.iri == "https://ns.volunteeringdata.io/Communication"
    assert db.session.scalar(sa.select(Locality).where(Locality.name == "Marple")) is not None
    again = runner.invoke(args=["hub", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert {model: count(db, model) for model in first} == first


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
