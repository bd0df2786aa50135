"""Migrations and models agree: `flask db upgrade` from empty gives exactly the models' schema."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import make_app
from volunteer_hub.database import include_in_migrations


def schema_drift(connection: sa.Connection, metadata: sa.MetaData) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": include_in_migrations}
    )
    return list(compare_metadata(context, metadata))


def test_the_migrated_test_database_has_no_drift(app, db):
    """The suite's database (SQLite or PostgreSQL) was built by the migrations alone."""
    with db.engine.connect() as connection:
        assert schema_drift(connection, db.metadata) == []


def test_upgrade_from_an_empty_sqlite_file_then_downgrade_to_nothing(tmp_path, instance_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    fresh = make_app(url, instance_path)
    with fresh.app_context():
        db = fresh.extensions["sqlalchemy"]
        upgrade()
        with db.engine.connect() as connection:
            assert schema_drift(connection, db.metadata) == []
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def test_the_naming_convention_names_every_constraint(app, db):
    inspector = sa.inspect(db.engine)
    for table in db.metadata.sorted_tables:
        for foreign_key in inspector.get_foreign_keys(table.name):
            assert foreign_key["name"] is None or foreign_key["name"].startswith("fk_")
        for index in inspector.get_indexes(table.name):
            assert index["name"].startswith(("ix_", "uq_")), index
